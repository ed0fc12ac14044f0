"""What a file really is, from its first bytes (magic numbers), never its name or claimed type.

Only the kinds Strang serves are recognised; everything else (SVG, HTML, scripts, archives, ...)
is unknown and refused.
"""

from dataclasses import dataclass

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
