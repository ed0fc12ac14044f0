"""What a rep's phone receives: one small notification for all of a rep's due notices.

The payload says what kind of thing is new, how many, which screen to open and, for one
thing, its id; its title and body are neutral words in the rep's language. The phone pulls
the content itself. JSON is UTF-8 without escapes, and `wire.encrypt` pads it to a fixed size.
"""

import json
from collections import Counter
from collections.abc import Sequence

from app.push.models import PushNotice
from app.push.notices import NoticeKind
from app.push.words import OPEN_MANY, OPEN_ONE, UPDATES, clip, count_words

TOPIC_UPDATES = "updates"
TITLE_MAX = 120
BODY_MAX = 240


def url_for(kind: str, target_id: str | None) -> str:
    """The rep app screen a tap opens (the app syncs first)."""
    if target_id is None:
        return "/signals" if kind == NoticeKind.signal_answered else "/"
    screens: dict[str, str] = {
        NoticeKind.new_leads: f"/lead/{target_id}",
        NoticeKind.new_campaign: f"/campaign/{target_id}",
        NoticeKind.new_collateral: f"/campaign/{target_id}",
        NoticeKind.signal_answered: f"/signal/{target_id}",
        NoticeKind.counter_collateral: f"/lead/{target_id}",
        NoticeKind.share_opened: f"/lead/{target_id}",
    }
    return screens.get(kind, "/")


def coalesce(
    notices: Sequence[PushNotice], *, lang: str, details: str
) -> tuple[str, dict[str, object]]:
    """(topic, payload) for one rep's notices, oldest first, for a phone reading `lang`.
    One thing keeps its id (and the screen it is about); several become counts."""
    kinds = Counter(n.kind for n in notices)
    counts = {k: len({n.target_id for n in notices if n.kind == k}) for k in kinds}
    targets = {(n.kind, n.target_id) for n in notices}
    if len(kinds) == 1:
        kind = notices[-1].kind
        target = notices[-1].target_id if len(targets) == 1 else None
        title = count_words(kind, counts[kind], lang)
        body = (OPEN_ONE if target else OPEN_MANY)[lang]
    else:
        kind, target = TOPIC_UPDATES, None
        title = UPDATES[lang].format(n=len(targets))
        body = "; ".join(count_words(k, counts[k], lang) for k in kinds)
    payload: dict[str, object] = {
        "type": kind,
        "target_id": target,
        "url": url_for(kind, target),
        "counts": counts,
        "lang": lang,
        "details": details,
        "title": clip(title, TITLE_MAX),
        "body": clip(body, BODY_MAX),
    }
    return kind, payload


def encode(payload: dict[str, object]) -> bytes:
    """Compact UTF-8 JSON: "Öffne" is two bytes, not a six-byte escape."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
