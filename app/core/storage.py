"""Content-addressed blob storage: files are named by the SHA-256 of their bytes.

Callers see only the `BlobStorage` protocol, so an S3-compatible store can be added without
touching them. Uploads are first streamed into a local temporary file (`receive_stream`), which
enforces the size limit while the bytes arrive and computes the hash on the way; `put` then moves
the verified file into the store. The same bytes uploaded twice are stored once.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core.settings import Settings

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 64 * 1024


class BlobTooLarge(Exception):
    """The stream went past the allowed size; the partial file has been removed."""


class BlobStorage(Protocol):
    def put(self, source: Path, sha256: str) -> bool:
        """Move the finished file `source` (whose hash is `sha256`) into the store.

        Returns False when the blob was already stored (the source is then discarded).
        """
        ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def read(self, sha256: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The bytes `[start, start + length)` of a blob, in chunks."""
        ...

    def delete(self, sha256: str) -> None: ...

    def stored(self) -> Iterator[tuple[str, float]]:
        """Every stored blob: its hash and when it was stored (Unix time)."""
        ...

    def temp_dir(self) -> Path:
        """Where uploads are spooled before `put` (same file system as the store, if local)."""
        ...


def is_sha256(value: str) -> bool:
    return bool(SHA256_RE.match(value))


class LocalBlobStorage:
    """Blobs under `root/ab/cd/<sha256>`; written by atomic rename, never modified."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def temp_dir(self) -> Path:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put(self, source: Path, sha256: str) -> bool:
        target = self.path(sha256)
        if target.exists():
            source.unlink(missing_ok=True)
            os.utime(target)  # stored again now: `strang files prune` keeps recent files
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, target)  # atomic: readers see the whole file or none
        return True

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    def read(self, sha256: str, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        with open(self.path(sha256), "rb") as handle:
            handle.seek(start)
            remaining = length
            while remaining is None or remaining > 0:
                chunk = handle.read(CHUNK if remaining is None else min(CHUNK, remaining))
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def files(self) -> dict[str, Path]:
        """Stored blobs by hash (temporary uploads and stray files are left out)."""
        if not self.root.is_dir():
            return {}
        found = {}
        for path in self.root.glob("??/??/*"):
            in_place = is_sha256(path.name) and path.parent.parent.name == path.name[:2]
            if in_place and path.is_file():
                found[path.name] = path
        return found

    def stored(self) -> Iterator[tuple[str, float]]:
        for sha256, path in self.files().items():
            yield sha256, path.stat().st_mtime


def blob_storage(settings: Settings) -> BlobStorage:
    return LocalBlobStorage(settings.blob_dir)


@dataclass
class SpooledBlob:
    """An upload received into a temporary file: its hash, size and first bytes (for sniffing)."""

    path: Path
    sha256: str
    size: int
    head: bytes

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class BlobWriter:
    """Write chunks into a temporary file, hashing and counting; raise past `limit` bytes."""

    HEAD_BYTES = 64

    def __init__(self, folder: Path, limit: int) -> None:
        fd, name = tempfile.mkstemp(dir=folder, prefix="upload-")
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._limit = limit
        self.size = 0
        self.head = b""

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            self.abort()
            raise BlobTooLarge
        if len(self.head) < self.HEAD_BYTES:
            self.head += chunk[: self.HEAD_BYTES - len(self.head)]
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> SpooledBlob:
        self._file.close()
        return SpooledBlob(self.path, self._hash.hexdigest(), self.size, self.head)

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


async def receive_stream(chunks: AsyncIterator[bytes], folder: Path, limit: int) -> SpooledBlob:
    writer = BlobWriter(folder, limit)
    try:
        async for chunk in chunks:
            writer.write(chunk)
    except BaseException:
        writer.abort()
        raise
    return writer.finish()
