"""The Excel add-in: the ribbon tab 预算公开 (ribbon.py), worksheet functions (udfs.py) and
the .xlam that carries them (addin.py).

A thin layer over the core: it reads the live workbook's values (book.py) and calls the same
functions as the command line.  Only udfs.py and the Excel-facing parts of ribbon.py and
addin.py touch xlwings; the core never imports it.
"""
