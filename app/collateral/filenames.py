"""File names from uploads: cleaned for storage and display, and quoted safely for
`Content-Disposition` (RFC 6266 with an RFC 5987 `filename*` for non-ASCII names)."""

import re
import unicodedata
from urllib.parse import quote

MAX_NAME = 150
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}  # controls, bidi overrides, separators


def clean_filename(raw: str, extension: str) -> str:
    """A display name without folders, control or direction characters, ending in `extension`."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _INVISIBLE)
    name = _UNSAFE.sub("_", name)
    dot = name.rfind(".")
    stem = name[:dot] if dot >= 0 else name  # the extension comes from the content instead
    stem = stem.strip(" .")[:MAX_NAME].strip(" .") or "file"
    return stem + extension


def content_disposition(filename: str, disposition: str = "inline") -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    ascii_name = re.sub(r'["\\]', "_", ascii_name)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
