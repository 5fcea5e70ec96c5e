"""ocr: turn pages upright, deskew, clean, and read them with Tesseract into words and layout."""
