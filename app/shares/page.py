"""The customer's page of a share: plain server-rendered HTML, no app, a few lines of script
(with a per-answer nonce) that report reading time. Everything shown is escaped.

PDFs are shown in the page by the share reader (`pwa/src/share/reader.ts`, pdf.js), a module of
the PWA build found through Vite's manifest. Without a build, or if pdf.js fails, a PDF is a
link "Open the PDF" and is measured as a whole item."""

import json
import secrets
from dataclasses import dataclass
from html import escape
from pathlib import Path

from app.collateral.models import Collateral, CollateralKind

NOTICE = (
    "This page counts when it is opened, on which kind of device (phone, tablet, computer), "
    "how long each item (each page of a PDF) is viewed and downloads, for the sender. "
    "No cookies, no addresses."
)


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class Reader:
    """The share reader's module and the chunks it imports (paths under the site root)."""

    script: str
    imports: tuple[str, ...] = ()


READER_ENTRY = "src/share/reader.ts"
_readers: dict[Path, tuple[int, Reader | None]] = {}


def reader_of(dist: Path) -> Reader | None:
    """The reader named in the build's manifest, read again only when the manifest changes;
    None when the PWA is not built (or built without the reader)."""
    manifest = dist / ".vite" / "manifest.json"
    try:
        changed = manifest.stat().st_mtime_ns
    except OSError:
        return None
    known = _readers.get(manifest)
    if known is not None and known[0] == changed:
        return known[1]
    reader = _read_manifest(manifest, dist)
    _readers[manifest] = (changed, reader)
    return reader


def _read_manifest(manifest: Path, dist: Path) -> Reader | None:
    try:
        chunks = json.loads(manifest.read_text(encoding="utf-8"))
        keys = [READER_ENTRY]
        for key in keys:  # the entry, then the chunks it imports, theirs too (preloaded)
            keys += [k for k in chunks[key].get("imports", []) if k not in keys]
        files = [chunks[key]["file"] for key in keys]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(f, str) and (dist / f).is_file() for f in files):
        return None
    script, *imports = (f"/{f}" for f in files)
    return Reader(script=script, imports=tuple(imports))


def csp(nonce: str) -> str:
    """Strict: inline code only with the answer's nonce; the reader's module, pdf.js's worker
    and the shared files only from this site; no eval, no other origin."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}' 'self'",
            f"style-src 'nonce-{nonce}'",
            "img-src 'self'",
            "media-src 'self'",
            "worker-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:860px;margin:0 auto;padding:16px}h1{font-size:1.5rem;margin:.5rem 0 1rem}
.card,.item{background:#fff;border-radius:12px;padding:16px;margin:0 0 16px;
box-shadow:0 1px 3px #0002}.item img,.item video{max-width:100%;height:auto;display:block}
a{color:#0b57d0}.notice{font-size:.8rem;color:#555}
.dl{display:inline-block;margin-top:8px;min-height:44px}
.pdf .page{background:#fff;margin:0 0 12px;box-shadow:0 1px 4px #0003;overflow:hidden}
.pdf canvas{display:block;width:100%;height:100%}.paged .open{display:none}"""

# Seconds while an item is on screen (30 % of it, or of the window for a tall one) and the page
# is visible: per PDF page once the reader shows the pages (`data-paged`; the page with most on
# screen counts), else for the item as a whole (page 0). A PDF still being opened by the reader
# is not counted; it is read as a whole if the reader fails (`unread`), does not load (its
# script's error, or not started in 10 s) or is not built. Sent every 15 s, when the page is
# hidden or left (sendBeacon), and when a download link is used; 50 readings a beacon at most.
_SCRIPT = """(function(){var v=document.body.dataset.visit;if(!v)return;
var u=location.pathname.replace(/\\/$/,'')+'/beacon',on=new Set(),known=new WeakSet(),acc={},dl=[];
var m=document.getElementById('reader'),t0=Date.now();
if(m)m.addEventListener('error',function(){m=null});
function whole(s){return !s.querySelector('[data-pdf]')||s.classList.contains('unread')||!m||
(!document.body.hasAttribute('data-reader')&&Date.now()-t0>10000)}
var io=new IntersectionObserver(function(es){es.forEach(function(e){
if(e.isIntersecting)on.add(e.target);else on.delete(e.target)})});
function watch(){document.querySelectorAll('[data-item],[data-item] [data-page]').forEach(
function(el){if(!known.has(el)){known.add(el);io.observe(el)}})}
function tick(){watch();if(document.hidden)return;var h=innerHeight,best={};
on.forEach(function(el){var s=el.closest('[data-item]'),p=+(el.dataset.page||0);
var paged=s&&s.hasAttribute('data-paged');
if(!s||(p>0?!paged:paged||!whole(s)))return;var r=el.getBoundingClientRect(),
f=(Math.min(r.bottom,h)-Math.max(r.top,0))/Math.max(1,Math.min(r.height,h)),i=s.dataset.item;
if(f>=0.3&&!(best[i]&&best[i][0]>=f))best[i]=[f,p]});
for(var i in best){var k=i+' '+best[i][1];acc[k]=(acc[k]||0)+1}}
function send(){var ks=Object.keys(acc);if(!ks.length&&!dl.length)return;do{
var r=ks.splice(0,50).map(function(k){var p=k.split(' ');
return{collateral_id:p[0],page:+p[1],seconds:acc[k]}});
var b=JSON.stringify({visit:v,readings:r,downloads:dl});dl=[];
navigator.sendBeacon(u,new Blob([b],{type:'application/json'}))}while(ks.length);acc={}}
document.querySelectorAll('a[data-download]').forEach(function(a){a.addEventListener('click',
function(){dl.push(a.dataset.download);send()})});
watch();setInterval(tick,1000);setInterval(send,15000);addEventListener('pagehide',send);
document.addEventListener('visibilitychange',function(){if(document.hidden)send()})})();"""


def _item(token: str, item: Collateral) -> str:
    src = f"/s/{escape(token)}/files/{item.id}"
    title = escape(item.title)
    body = ""
    if item.kind == CollateralKind.image and item.sha256:
        body = f'<img src="{src}" alt="{title}">'
    elif item.kind == CollateralKind.video and item.sha256:
        body = f'<video src="{src}" controls preload="metadata"></video>'
    elif item.kind == CollateralKind.pdf and item.sha256:
        body = (
            f'<div class="pdf" data-pdf="{src}"></div>'
            f'<p class="open"><a href="{src}">Open the PDF</a></p>'
        )
    elif item.kind == CollateralKind.link and item.url:
        href = escape(item.url)
        body = f'<a href="{href}" rel="noopener noreferrer" target="_blank">{href}</a>'
    download = ""
    if item.shareable_download and item.sha256:
        download = (
            f'<a class="dl" href="{src}?download=1" data-download="{item.id}" download>Download</a>'
        )
    description = f"<p>{escape(item.description)}</p>" if item.description else ""
    return (
        f'<section class="item" data-item="{item.id}"><h2>{title}</h2>{description}'
        f"{body}{download}</section>"
    )


def share_page(
    *,
    token: str,
    campaign: str,
    sender: Sender,
    items: list[Collateral],
    visit: str | None,
    nonce: str,
    reader: Reader | None = None,
) -> str:
    phone = ""
    if sender.phone:
        phone = f'<br><a href="tel:{escape(sender.phone)}">{escape(sender.phone)}</a>'
    card = (
        f'<div class="card"><strong>{escape(sender.name)}</strong><br>'
        f'<a href="mailto:{escape(sender.email)}">{escape(sender.email)}</a>{phone}</div>'
    )
    sections = "".join(_item(token, item) for item in items)
    data = f' data-visit="{escape(visit)}"' if visit else ""
    module = ""
    if reader is not None and any(item.kind == CollateralKind.pdf for item in items):
        module = "".join(f'<link rel="modulepreload" href="{escape(i)}">' for i in reader.imports)
        module += f'<script type="module" id="reader" src="{escape(reader.script)}"></script>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">'
        f'<title>{escape(campaign)}</title><style nonce="{nonce}">{_STYLE}</style></head>'
        f"<body{data}><main><h1>{escape(campaign)}</h1>{card}{sections}"
        f'<p class="notice">{NOTICE}</p></main>{module}'
        f'<script nonce="{nonce}">{_SCRIPT}</script></body></html>'
    )


def notice_page(title: str, text: str, nonce: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f'<style nonce="{nonce}">{_STYLE}</style></head><body><main>'
        f'<h1>{escape(title)}</h1><div class="card"><p>{escape(text)}</p></div>'
        "</main></body></html>"
    )
