Attribute VB_Name = "XltoolsRibbon"
' The ribbon tab of xltools (customUI14.xml).  Every button calls XltoolsButton with its own
' id; Python (xltools.excel.ribbon.dispatch) does the work on the active workbook.  Python is
' reached through the xlwings add-in's RunPython with Application.Run, so this project needs
' no reference to xlwings and still opens when xlwings is missing.
Option Explicit

Public Sub XltoolsButton(control As Object)
    Dim command As String
    command = "import xltools.excel.ribbon as r; r.dispatch('" & control.Id & "')"
    On Error GoTo NoXlwings
    Application.Run "'xlwings.xlam'!RunPython", command
    Exit Sub
NoXlwings:
    MsgBox Unescape(MISSING_XLWINGS), vbExclamation, "xltools"
End Sub
