"""Small real files built by hand (no imaging or PDF libraries): used by the demo and tests.

`pdf_document` writes a valid PDF 1.4 with one text page per entry (Helvetica, WinAnsi text),
`png_image` a true-colour PNG from a pixel function, compressed with zlib.
"""

import struct
import zlib
from collections.abc import Callable

Pixel = tuple[int, int, int]


def _pdf_text(text: str) -> str:
    raw = text.encode("cp1252", "replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_document(pages: list[list[str]], title: str = "") -> bytes:
    """A PDF with one A4 page per list of lines; the first line of a page is its heading."""
    objects: list[bytes] = []
    page_ids = [5 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(f"<< /Title ({_pdf_text(title)}) /Producer (Strang) >>".encode("latin-1"))
    for number, lines in enumerate(pages, start=1):
        ops = ["BT", "/F1 22 Tf", "56 770 Td"]
        for index, line in enumerate(lines):
            if index == 1:
                ops += ["/F1 12 Tf", "0 -36 Td"]
            elif index > 1:
                ops.append("0 -18 Td")
            ops.append(f"({_pdf_text(line)}) Tj")
        ops += ["ET", "BT", "/F1 9 Tf", "520 30 Td", f"({number} / {len(pages)}) Tj", "ET"]
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents "
            + f"{len(objects) + 2} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_image(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def banner_png(width: int, height: int, top: Pixel, bottom: Pixel, stripe: Pixel) -> bytes:
    """A vertical gradient with a diagonal stripe: a recognisable, tiny campaign visual."""

    def pixel(x: int, y: int) -> Pixel:
        if abs((x - y * width // height) % (width // 2) - width // 4) < width // 40:
            return stripe
        t = y / max(1, height - 1)
        return (
            round(top[0] + (bottom[0] - top[0]) * t),
            round(top[1] + (bottom[1] - top[1]) * t),
            round(top[2] + (bottom[2] - top[2]) * t),
        )

    return png_image(width, height, pixel)
