"""Reading workbooks: safely opening them, and parsing a master workbook into lines."""

from .master import read_master
from .workbook import ReadError, Workbook, open_workbook

__all__ = ["ReadError", "Workbook", "open_workbook", "read_master"]
