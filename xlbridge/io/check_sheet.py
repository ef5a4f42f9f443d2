"""Layout of the "Kiểm tra" sheet, shared by the template builder and the writers."""

CHECK_HEADER_ROW = 4          # findings start on the next row
CHECK_STATUS_CELL = (2, 1)    # row, column of the one-line status
CHECK_COLUMNS = [             # header, width
    ("STT", 6), ("Mức độ", 10), ("Trang tính", 16), ("Ô", 8), ("Nội dung", 70), ("Cách sửa", 60), ("Mã quy tắc", 10),
]
