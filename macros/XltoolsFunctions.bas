Attribute VB_Name = "XltoolsFunctions"
' The worksheet functions of xltools.  Each one hands its arguments to the Python function of
' the same name in xltools.excel.udfs through the xlwings add-in's Python server (XLPy), so
' they work in every workbook while this add-in is loaded, without importing anything into
' the workbook.  The argument list mirrors the Python signature; then comes the calculation
' stamp (ThisWorkbook.CalculationStamp: Python reads the master once per stamp) for Python's
' "recalc" parameter; the last element, Nothing, holds the place of Python's "caller"
' parameter, which xlwings fills with the calling cell (Python reads the calling cell's
' workbook, not the active one).
' All are volatile: their results depend on sheets the formula does not reference.
Option Explicit

Public Function BUDGET_SUM(code, Optional source, Optional spend_type, Optional econ_code)
    Application.Volatile
    BUDGET_SUM = CallXltools("BUDGET_SUM", Array(code, source, spend_type, econ_code, ThisWorkbook.CalculationStamp, Nothing))
End Function

Public Function BUDGET_NAME(code)
    Application.Volatile
    BUDGET_NAME = CallXltools("BUDGET_NAME", Array(code, ThisWorkbook.CalculationStamp, Nothing))
End Function

Public Function BUDGET_TABLE(table)
    Application.Volatile
    BUDGET_TABLE = CallXltools("BUDGET_TABLE", Array(table, ThisWorkbook.CalculationStamp, Nothing))
End Function

Public Function BUDGET_CHECK()
    Application.Volatile
    BUDGET_CHECK = CallXltools("BUDGET_CHECK", Array(ThisWorkbook.CalculationStamp, Nothing))
End Function

Public Sub XltoolsWarmUp()
    ' Run once by ThisWorkbook.Workbook_Open (OnTime), seconds after Excel starts: starts the
    ' xlwings add-in's Python server and has it load the compiled rounding search on a thread of
    ' its own (xltools.excel.udfs.warm), so that the first recalculation of a workbook opened
    ' afterwards waits for neither.  Silent: without xlwings or Python the functions say so
    ' themselves when they are used.
    Dim server As Object
    On Error Resume Next
    Set server = Application.Run("'xlwings.xlam'!XLPy")
    If server Is Nothing Then Exit Sub
    server.Exec "from xltools.excel.udfs import warm" & vbLf & "warm()"
End Sub

Private Function CallXltools(ByVal name As String, ByVal args As Variant) As Variant
    Dim server As Object
    On Error GoTo NoServer
    Set server = Application.Run("'xlwings.xlam'!XLPy")
    On Error GoTo Failed
    CallXltools = server.CallUDF("xltools.excel.udfs", name, args, ActiveWorkbook, Application.Caller)
    Exit Function
NoServer:
    CallXltools = Unescape(MISSING_XLWINGS_CELL)
    Exit Function
Failed:
    CallXltools = "#" & Err.Description
End Function
