"""Streaming multipart uploads: the file part goes straight into a temporary file, hashed and
counted on the way, so an oversized upload is refused while it arrives (413) instead of after
being read into memory, and nothing of it is kept.

Starlette's own form parsing spools the whole body before a handler runs, so upload routes take
the body through this dependency instead.
"""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.core import errors
from app.core.inputs import refuse_unstorable
from app.core.storage import BlobTooLarge, BlobWriter, SpooledBlob

MAX_FIELD_BYTES = 20_000
MAX_FIELDS = 30
HEADROOM = 64 * 1024  # multipart boundaries and small fields around the file


@dataclass
class MultipartForm:
    fields: dict[str, str] = field(default_factory=dict)
    file: SpooledBlob | None = None
    filename: str = ""

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


def _disposition_name(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    _, params = parse_options_header(headers.get(b"content-disposition", b""))
    name = params.get(b"name", b"").decode("utf-8", "replace")
    filename = params.get(b"filename")
    return name, None if filename is None else filename.decode("utf-8", "replace")


class _Collector:
    """Callbacks for python-multipart's streaming parser."""

    def __init__(self, folder: Path, limit: int, file_field: str) -> None:
        self.form = MultipartForm()
        self.folder = folder
        self.limit = limit
        self.file_field = file_field
        self.headers: dict[bytes, bytes] = {}
        self.header_name = b""
        self.header_value = b""
        self.writer: BlobWriter | None = None
        self.value: bytearray | None = None
        self.name = ""
        self.skip = False

    def on_part_begin(self) -> None:
        self.headers = {}
        self.writer, self.value, self.skip = None, None, False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        self.name, filename = _disposition_name(self.headers)
        if filename is not None:
            if self.name != self.file_field or self.form.file is not None or self.writer:
                raise errors.BadRequest(f"{self.name}: unexpected file part")
            self.form.filename = filename
            self.writer = BlobWriter(self.folder, self.limit)
        elif len(self.form.fields) >= MAX_FIELDS:
            raise errors.BadRequest("Too many form fields")
        else:
            self.value = bytearray()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.writer is not None:
            self.writer.write(data[start:end])
        elif self.value is not None:
            self.value += data[start:end]
            if len(self.value) > MAX_FIELD_BYTES:
                raise errors.PayloadTooLarge(f"{self.name}: longer than {MAX_FIELD_BYTES} bytes")

    def on_part_end(self) -> None:
        if self.writer is not None:
            self.form.file = self.writer.finish()
            self.writer = None
        elif self.value is not None:
            try:
                self.form.fields[self.name] = self.value.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise errors.BadRequest(f"{self.name}: not valid UTF-8") from exc
            self.value = None

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()
        self.form.discard()


async def _read_urlencoded(request: Request) -> MultipartForm:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FIELD_BYTES * 4:
            raise errors.PayloadTooLarge("Form too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise errors.BadRequest("Malformed form body") from exc
    form = MultipartForm(fields=dict(pairs))
    refuse_unstorable(form.fields)
    return form


async def read_multipart(
    request: Request, *, folder: Path, limit: int, file_field: str = "file"
) -> MultipartForm:
    """Parse a multipart body, streaming `file_field` into a temporary file in `folder`."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    if content_type == b"application/x-www-form-urlencoded":  # fields only (e.g. a link)
        return await _read_urlencoded(request)
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise errors.UnsupportedMediaType("Send the form as multipart/form-data")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + HEADROOM:
        raise errors.PayloadTooLarge(
            f"{file_field}: larger than the limit of {limit} bytes",
            code="too_large",
            params={"bytes": limit},
        )
    collector = _Collector(folder, limit, file_field)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": collector.on_part_begin,
            "on_header_field": collector.on_header_field,
            "on_header_value": collector.on_header_value,
            "on_header_end": collector.on_header_end,
            "on_headers_finished": collector.on_headers_finished,
            "on_part_data": collector.on_part_data,
            "on_part_end": collector.on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except BlobTooLarge as exc:
        collector.abort()
        raise errors.PayloadTooLarge(
            f"{file_field}: larger than the limit of {limit} bytes",
            code="too_large",
            params={"bytes": limit},
        ) from exc
    except errors.AppError:
        collector.abort()
        raise
    except Exception as exc:  # malformed multipart: a clear 400, never a 500
        collector.abort()
        raise errors.BadRequest("Malformed multipart body") from exc
    if collector.writer is not None:  # body ended inside the file part
        collector.abort()
        raise errors.BadRequest("Malformed multipart body")
    try:
        refuse_unstorable(collector.form.fields)
    except RequestValidationError:
        collector.abort()
        raise
    return collector.form
