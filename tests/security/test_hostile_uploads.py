"""Hostile files: refused at upload, or served so that a browser can never run them."""

import struct
import zlib

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth.models import Role
from app.collateral.models import Collateral
from tests.factories import Factory
from tests.sync.helpers import Content

POLYGLOT = (
    b"%PDF-1.4\n<html><body><script>fetch('/api/v1/me').then(r=>r.text()).then(alert)"
    b"</script></body></html>\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


def jpeg(width: int, height: int) -> bytes:
    """A JPEG whose frame header, after 3 KB of EXIF, declares `width` x `height`."""
    exif = b"Exif\0\0" + b"\0" * 3000
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    sof0 = b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame
    return b"\xff\xd8" + app1 + sof0 + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xff\xd9"


def png(width: int, height: int) -> bytes:
    """A valid PNG header declaring `width` x `height` with a tiny compressed body."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    body = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def webp_vp8x(width: int, height: int) -> bytes:
    payload = b"VP8X" + struct.pack("<I", 10) + b"\0\0\0\0"
    payload += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(payload) + 4) + b"WEBP" + payload + b"\0" * 64


@pytest.fixture
def marketing(factory: Factory) -> dict[str, str]:
    return factory.login_as(Role.marketing)[1]


def upload(
    client: TestClient, headers: dict[str, str], campaign_id: object, name: str, data: bytes
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/v1/campaigns/{campaign_id}/collateral",
        headers=headers,
        data={"title": "Hostile"},
        files={"file": (name, data, "application/octet-stream")},
    )
    return response.status_code, response.json()


def test_polyglot_pdf_html_is_only_ever_served_as_an_inert_pdf(
    client: TestClient, factory: Factory, db: Session, marketing: dict[str, str]
) -> None:
    campaign = Content(db).campaign()
    status, body = upload(client, marketing, campaign.id, "report.html", POLYGLOT)
    if status >= 400:  # refusing it is fine too
        assert status in {400, 415, 422}
        return
    assert status == 201 and body["content_type"] == "application/pdf"
    assert str(body["filename"]).endswith(".pdf")  # never keeps the .html name
    _, rep = factory.login_as(Role.rep)
    served = client.get(f"/api/v1/files/{body['sha256']}", headers=rep)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith(("attachment", "inline"))
    assert "sandbox" in served.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["logo.svg", "logo.png", "logo"])
def test_svg_with_script_is_refused_whatever_its_name(
    client: TestClient, db: Session, marketing: dict[str, str], name: str
) -> None:
    campaign = Content(db).campaign()
    status, body = upload(client, marketing, campaign.id, name, SVG)
    assert status == 415
    assert str(body["detail"]).startswith("file")
    assert db.exec(select(Collateral)).first() is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("huge.png", png(100_000, 100_000)),
        ("wide.png", png(2**31 - 1, 1)),
        ("huge.webp", webp_vp8x(16_000_000, 16_000_000)),
        ("huge.jpg", jpeg(60_000, 60_000)),
    ],
)
def test_images_declaring_huge_dimensions_are_refused(
    client: TestClient, db: Session, marketing: dict[str, str], name: str, data: bytes
) -> None:
    campaign = Content(db).campaign()
    status, body = upload(client, marketing, campaign.id, name, data)
    assert status == 415, body
    assert "pixels" in str(body["detail"])
    assert db.exec(select(Collateral)).first() is None


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("photo.png", png(4000, 3000), "image/png"), ("photo.jpg", jpeg(6000, 4000), "image/jpeg")],
)
def test_an_ordinary_image_is_still_accepted(
    client: TestClient,
    db: Session,
    marketing: dict[str, str],
    name: str,
    data: bytes,
    content_type: str,
) -> None:
    campaign = Content(db).campaign()
    status, body = upload(client, marketing, campaign.id, name, data)
    assert status == 201, body
    assert body["content_type"] == content_type
