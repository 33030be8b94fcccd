Attribute VB_Name = "XltoolsText"
' Chinese text for the VBA side.  VBA sources stay ASCII (the VBA project's code page is not
' the user's), so each Chinese character is written as \uXXXX and decoded by Unescape.
Option Explicit
Option Private Module

' Application.Run cannot find the xlwings add-in's RunPython (or its Python server).
Public Const MISSING_XLWINGS As String = "\u6CA1\u6709\u627E\u5230 xlwings \u52A0\u8F7D\u9879\uFF0C\u65E0\u6CD5\u8FD0\u884C xltools\u3002\u8BF7\u5728\u547D\u4EE4\u63D0\u793A\u7B26\u4E2D\u8FD0\u884C xltools addin install\uFF0C\u7136\u540E\u91CD\u65B0\u542F\u52A8 Excel\u3002"
Public Const MISSING_XLWINGS_CELL As String = "#\u9519\u8BEF\uFF1A\u6CA1\u6709\u627E\u5230 xlwings \u52A0\u8F7D\u9879\uFF08\u8BF7\u8FD0\u884C xltools addin install \u540E\u91CD\u65B0\u542F\u52A8 Excel\uFF09"

Public Function Unescape(ByVal text As String) As String
    Dim i As Long
    Dim result As String
    i = 1
    Do While i <= Len(text)
        If Mid$(text, i, 2) = "\u" And i + 5 <= Len(text) Then
            result = result & ChrW(CLng("&H" & Mid$(text, i + 2, 4)))
            i = i + 6
        Else
            result = result & Mid$(text, i, 1)
            i = i + 1
        End If
    Loop
    Unescape = result
End Function
