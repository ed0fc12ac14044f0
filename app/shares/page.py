"""The customer's page of a share: plain server-rendered HTML, no app, a few lines of script
(with a per-answer nonce) that report reading time. Everything shown is escaped."""

import secrets
from dataclasses import dataclass
from html import escape

from app.collateral.models import Collateral, CollateralKind

NOTICE = (
    "This page counts when it is opened, on which kind of device (phone, tablet, computer), "
    "how long each item is viewed and downloads, for the sender. No cookies, no addresses."
)


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    phone: str | None = None


def csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'nonce-{nonce}'",
            "img-src 'self'",
            "media-src 'self'",
            "frame-src 'self'",
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
.item iframe{width:100%;height:80vh;border:0}a{color:#0b57d0}
.notice{font-size:.8rem;color:#555}.dl{display:inline-block;margin-top:8px;min-height:44px}"""

# Seconds per item while it is on screen and the page is visible, sent every 15 s and when
# the page is left (sendBeacon), downloads when their link is used.
_SCRIPT = """(function(){var v=document.body.dataset.visit;if(!v)return;
var u=location.pathname.replace(/\\/$/,'')+'/beacon',seen={},acc={},dl=[];
var io=new IntersectionObserver(function(es){es.forEach(function(e){
seen[e.target.dataset.item]=e.isIntersecting});},{threshold:0.3});
document.querySelectorAll('[data-item]').forEach(function(el){io.observe(el)});
setInterval(function(){if(document.hidden)return;
for(var k in seen)if(seen[k])acc[k]=(acc[k]||0)+1;},1000);
function send(){var r=[];
for(var k in acc)if(acc[k]>0)r.push({collateral_id:k,page:0,seconds:acc[k]});
if(!r.length&&!dl.length)return;var b=JSON.stringify({visit:v,readings:r.slice(0,50),downloads:dl});
acc={};dl=[];navigator.sendBeacon(u,new Blob([b],{type:'application/json'}));}
document.querySelectorAll('a[data-download]').forEach(function(a){a.addEventListener('click',
function(){dl.push(a.dataset.download);send();});});
setInterval(send,15000);addEventListener('pagehide',send);
document.addEventListener('visibilitychange',function(){if(document.hidden)send();});})();"""


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
            f'<iframe src="{src}" title="{title}"></iframe><p><a href="{src}">Open the PDF</a></p>'
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
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">'
        f'<title>{escape(campaign)}</title><style nonce="{nonce}">{_STYLE}</style></head>'
        f"<body{data}><main><h1>{escape(campaign)}</h1>{card}{sections}"
        f'<p class="notice">{NOTICE}</p></main>'
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
