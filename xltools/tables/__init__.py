"""The standard disclosure tables: definitions as data, one engine that fills them."""

from .engine import TableSet, build_tables

__all__ = ["TableSet", "build_tables"]
