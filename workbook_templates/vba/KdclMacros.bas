Attribute VB_Name = "KdclMacros"
Option Explicit

' kdcl: nut "Kiem tra" goi Python da cai tren may (xlwings, RunPython).
' Ma nguon VBA chi dung ky tu ASCII; moi chu tieng Viet do Python ghi vao so.

Sub KiemTra()
    RunPython "import macros.bridge as kdcl; kdcl.kiem_tra_caller()"
End Sub

Sub TaoBaoCao()
    RunPython "import macros.bridge as kdcl; kdcl.tao_bao_cao_caller()"
End Sub

Sub KeHoachNamSau()
    RunPython "import macros.bridge as kdcl; kdcl.ke_hoach_nam_sau_caller()"
End Sub
