"""Stage 4: the downloads, one DOCX (string-built WordprocessingML) and one PDF (Typst) per school."""
