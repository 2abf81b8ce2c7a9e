"""Files to attach in tests: a signed MoU as a real PDF (written out by hand: no PDF library is needed to make one),
the same as a Word document (python-docx), and files that are not documents."""

from __future__ import annotations

import io

# The signed text of the KITECH memorandum, bilingual as the ministry's are (wrapped as the PDF's lines).
MOU_LINES = [
    "NOTA KESEPAHAMAN",
    "ANTARA",
    "KEMENTERIAN PERINDUSTRIAN REPUBLIK INDONESIA",
    "DAN",
    "KOREA INSTITUTE OF INDUSTRIAL TECHNOLOGY (KITECH)",
    "TENTANG",
    "KERJA SAMA PENGEMBANGAN TEKNOLOGI PENGECORAN LOGAM",
    "Pasal 7",
    "Nota Kesepahaman ini berlaku sejak tanggal 15 Maret 2006 dan tetap berlaku",
    "selama 12 (dua belas) tahun.",
    "MEMORANDUM OF UNDERSTANDING",
    "BETWEEN THE MINISTRY OF INDUSTRY OF THE REPUBLIC OF INDONESIA",
    "AND KOREA INSTITUTE OF INDUSTRIAL TECHNOLOGY (KITECH)",
    "ON COOPERATION IN METAL CASTING TECHNOLOGY DEVELOPMENT",
    "Article 7",
    "This Memorandum of Understanding shall come into effect on 15 March 2006 and shall",
    "remain in force for a period of 12 (twelve) years.",
    "Ditandatangani di Jakarta pada tanggal 15 Maret 2006.",
]


def pdf_escape(line: str) -> str:
    """A line as a PDF literal string: backslashes and parentheses escaped."""
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 whose content stream shows the lines in Helvetica, with a correct cross-reference table."""
    shown = " ".join(f"({pdf_escape(line)}) Tj T*" for line in lines)
    stream = f"BT /F1 10 Tf 14 TL 40 800 Td {shown} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def mou_pdf() -> bytes:
    """The KITECH memorandum's signed text as a PDF."""
    return text_pdf(MOU_LINES)


def word_docx(paragraphs: list[str]) -> bytes:
    """A Word document with the paragraphs (python-docx)."""
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# A Windows program's first bytes ("MZ", then the DOS stub), uploaded as "MoU.pdf".
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
# A scan as the scanner wrote it: a PNG's signature and header (kept as it is; no text is read from an image).
SCAN_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
