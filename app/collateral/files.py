"""`GET /files/{sha256}`: collateral files for whoever may see an item that uses them.

Blobs never change, so the ETag is the hash itself and clients may cache forever. Range
requests serve one byte range (video seeking, large PDFs); several ranges get the whole file.
"""

import re
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio
from anyio.lowlevel import RunVar
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import StreamingResponse

from app.auth.deps import CurrentUser
from app.collateral.deps import StorageDep
from app.collateral.filenames import content_disposition
from app.collateral.freshness import today_in
from app.collateral.models import Collateral
from app.collateral.service import collateral_for_file
from app.core import errors
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.core.http import etag_matches
from app.core.storage import BlobStorage, is_sha256

router = APIRouter(tags=["files"])

CACHE_CONTROL = "private, max-age=31536000, immutable"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# What a file can be served as (the sniffed types of app.collateral.sniff).
FILE_TYPES: dict[str, object] = {
    t: {}
    for t in (
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/webp",
        "video/mp4",
        "application/octet-stream",
    )
}


def visible_file(
    sha256: str, user: CurrentUser, session: SessionDep, storage: StorageDep, settings: SettingsDep
) -> Collateral:
    """The collateral item that lets `user` see this file, or 404 (never says whether the file
    exists for someone else)."""
    if not is_sha256(sha256):
        raise errors.NotFound("File not found", code="not_found")
    item = collateral_for_file(session, sha256, user, today_in(settings.zone))
    if item is None or not storage.exists(sha256):
        raise errors.NotFound("File not found", code="not_found")
    return item


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single `bytes=` range; None to serve the whole file.
    Raises 416 when the range lies outside the file."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # malformed or several ranges: ignore and send everything (RFC 9110)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise _unsatisfiable(size)
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise _unsatisfiable(size)
    return start, end


# Reading file chunks gets threads of its own: a 2 MB file is 32 reads, and on FastAPI's thread
# pool every one of them queued behind the database requests, so under 500 phones a download
# took many seconds. The database session is closed before the body is sent (SessionDep).
_READS: RunVar[anyio.CapacityLimiter] = RunVar("strang_file_reads")  # one per event loop
_CHUNKS_PER_READ = 4  # 4 x 64 KiB per thread hop


def _reads_limiter() -> anyio.CapacityLimiter:
    try:
        return _READS.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(8)
        _READS.set(limiter)
        return limiter


async def _body(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    def take() -> bytes:
        return b"".join(chunk for _, chunk in zip(range(_CHUNKS_PER_READ), chunks, strict=False))

    limiter = _reads_limiter()
    try:
        while data := await anyio.to_thread.run_sync(take, limiter=limiter):
            yield data
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # the file handle, also when the client went away mid-file


class RangeNotSatisfiable(errors.AppError):
    status_code = 416


def _unsatisfiable(size: int) -> errors.AppError:
    return RangeNotSatisfiable(
        "Range not satisfiable", headers={"Content-Range": f"bytes */{size}"}
    )


FILE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file", "content": FILE_TYPES},
    206: {"description": "Part of the file", "content": FILE_TYPES},
    304: {"description": "Not modified"},
    416: {"description": "Range not satisfiable"},
}


@router.get(
    "/files/{sha256}",
    response_class=Response,
    responses=FILE_ANSWERS,
    operation_id="files-get_file",
)
@router.head(  # the headers alone (size, type, ETag), as GET would give them
    "/files/{sha256}",
    response_class=Response,
    responses=FILE_ANSWERS,
    operation_id="files-head_file",
)
def serve_file(
    request: Request,
    item: Annotated[Collateral, Depends(visible_file)],
    storage: StorageDep,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
    if_range: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    head = request.method == "HEAD"
    return get_file(item, storage, range_header, if_range, if_none_match, head=head)


def get_file(
    item: Collateral,
    storage: BlobStorage,
    range_header: str | None,
    if_range: str | None,
    if_none_match: str | None,
    *,
    head: bool = False,
) -> Response:
    """The file's answer: whole, a byte range, or 304; `head`: the same headers, no body."""
    sha256 = item.sha256 or ""
    etag = f'"{sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        # Inert even when opened directly: no scripts, no plugins, no same-origin access.
        "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
        "Content-Disposition": content_disposition(item.filename or "file"),
    }
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    size = storage.size(sha256)
    media_type = item.content_type or "application/octet-stream"
    wanted = None
    if range_header and (if_range is None or if_range.strip() == etag):
        wanted = parse_range(range_header, size)
    if wanted is None:
        headers["Content-Length"] = str(size)
        if head:
            return Response(headers=headers, media_type=media_type)
        return StreamingResponse(
            _body(storage.read(sha256)), media_type=media_type, headers=headers
        )
    start, end = wanted
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    if head:
        return Response(status_code=206, headers=headers, media_type=media_type)
    return StreamingResponse(
        _body(storage.read(sha256, start, end - start + 1)),
        status_code=206,
        media_type=media_type,
        headers=headers,
    )
