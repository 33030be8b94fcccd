"""Writers: everything that turns computed tables into files or text."""
