"""Markdown written by marketing (talking points, lead briefs) → sanitised HTML for phones.

markdown-it renders with raw HTML turned off; nh3 (ammonia) then keeps only a small allow-list of
tags and attributes and only http(s)/mailto/tel links, so a `<script>`, an event handler or a
`javascript:` link never reaches a phone as live markup.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    """Sanitised HTML for `text` (cached: imports repeat the same brief often)."""
    if not text.strip():
        return ""
    return sanitize_html(_md.render(text))
