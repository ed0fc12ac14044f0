"""What a file really is, from its first bytes (magic numbers), never its name or claimed type.

Only the kinds Strang serves are recognised; everything else (SVG, HTML, scripts, archives, ...)
is unknown and refused.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.collateral.models import CollateralKind

# ISO base media brands that browsers play as MP4 video.
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
     b"M4VP", b"dash", b"mmp4", b"MSNV", b"f4v "}
)  # fmt: skip


@dataclass(frozen=True)
class FileType:
    kind: CollateralKind
    content_type: str
    extension: str


PDF = FileType(CollateralKind.pdf, "application/pdf", ".pdf")
PNG = FileType(CollateralKind.image, "image/png", ".png")
JPEG = FileType(CollateralKind.image, "image/jpeg", ".jpg")
WEBP = FileType(CollateralKind.image, "image/webp", ".webp")
MP4 = FileType(CollateralKind.video, "video/mp4", ".mp4")

EXTENSION_KINDS: dict[str, CollateralKind] = {
    ".pdf": CollateralKind.pdf,
    ".png": CollateralKind.image,
    ".jpg": CollateralKind.image,
    ".jpeg": CollateralKind.image,
    ".webp": CollateralKind.image,
    ".gif": CollateralKind.image,
    ".svg": CollateralKind.image,
    ".mp4": CollateralKind.video,
    ".m4v": CollateralKind.video,
    ".mov": CollateralKind.video,
}


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first (at least 16) bytes, or None when not allowed."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return MP4
    return None


def claimed_kind(filename: str) -> CollateralKind | None:
    """The kind a file name's extension promises, if it names a media kind at all."""
    dot = filename.rfind(".")
    return EXTENSION_KINDS.get(filename[dot:].lower()) if dot >= 0 else None


# Decompression bombs: a small file declaring a huge canvas would exhaust a phone's memory.
MAX_PIXELS = 50_000_000


def declared_pixels(head: bytes, path: Path) -> int | None:
    """Width times height a PNG, WebP or JPEG declares (None when it does not say). PNG and
    WebP say so in their first bytes; a JPEG's frame header may follow kilobytes of EXIF, so
    its segments are walked in the file at `path`."""
    if head.startswith(b"\xff\xd8\xff"):
        with path.open("rb") as file:
            return _jpeg_pixels(file)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        return int.from_bytes(head[16:20], "big") * int.from_bytes(head[20:24], "big")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and len(head) >= 30:
        if head[12:16] == b"VP8X":
            w, h = int.from_bytes(head[24:27], "little"), int.from_bytes(head[27:30], "little")
            return (w + 1) * (h + 1)
        if head[12:16] == b"VP8 ":
            w, h = int.from_bytes(head[26:28], "little"), int.from_bytes(head[28:30], "little")
            return (w & 0x3FFF) * (h & 0x3FFF)
        if head[12:16] == b"VP8L":
            bits = int.from_bytes(head[21:25], "little")
            return ((bits & 0x3FFF) + 1) * (((bits >> 14) & 0x3FFF) + 1)
    return None


# Start-of-frame markers (SOF0-SOF15 but DHT, JPG and DAC): they carry the image's size.
JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
JPEG_MAX_SEGMENTS = 4096


def _jpeg_pixels(file: BinaryIO) -> int | None:
    if file.read(2) != b"\xff\xd8":
        return None
    for _ in range(JPEG_MAX_SEGMENTS):
        if file.read(1) != b"\xff":
            return None  # not at a marker: not a JPEG we can read
        marker = file.read(1)
        while marker == b"\xff":  # fill bytes
            marker = file.read(1)
        if not marker or marker[0] in (0xD9, 0xDA):
            return None  # the end, or image data before any frame header
        if marker[0] == 0x01 or 0xD0 <= marker[0] <= 0xD8:
            continue  # markers without a length
        length = int.from_bytes(file.read(2), "big")
        if length < 2:
            return None
        if marker[0] in JPEG_FRAMES:
            frame = file.read(5)  # precision, height, width
            return int.from_bytes(frame[1:3], "big") * int.from_bytes(frame[3:5], "big")
        file.seek(length - 2, 1)
    return None
