"""ocr: turn pages upright, deskew, clean, and read them with Tesseract into words and layout.

Stages (plain functions ``(PageWork, StageContext) -> PageWork``):
``orientation.upright`` → ``deskew.deskew`` → ``clean.clean`` (composed as ``prepare.prepare``),
then ``prepare.read`` (one Tesseract pass: words, hOCR, searchable PDF).
``tesseract`` is the only module that runs Tesseract; ``layout`` gives layoutparser's ``Layout``;
``metrics.cer`` measures OCR against a reference text.
"""
