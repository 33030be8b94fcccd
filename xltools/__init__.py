"""xltools — 部门预算公开 from one master workbook (预算底稿).

The pipeline runs one way: read → validate → tables → checks → write.
The core never imports xlwings; ``xltools.excel`` adapts it to Excel.
"""

__version__ = "0.1.0"
