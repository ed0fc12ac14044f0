"""What a rep reads: one short notification for all of a rep's due notices."""

from collections import Counter
from collections.abc import Sequence

from app.push.models import PushNotice
from app.push.notices import NoticeKind

TOPIC_UPDATES = "updates"

_MANY: dict[str, str] = {
    NoticeKind.new_leads: "{n} new briefs",
    NoticeKind.new_campaign: "{n} new campaigns",
    NoticeKind.new_collateral: "New collateral in {n} campaigns",
    NoticeKind.signal_answered: "Marketing answered {n} of your signals",
}
_BODY = "Open Strang to see what is new."


def _url(kind: str, target_id: str | None) -> str:
    """The rep app screen a tap opens (the app syncs first)."""
    if target_id is None:
        return "/"
    screens: dict[str, str] = {
        NoticeKind.new_leads: f"/lead/{target_id}",
        NoticeKind.new_campaign: f"/campaign/{target_id}",
        NoticeKind.new_collateral: f"/campaign/{target_id}",
        NoticeKind.signal_answered: f"/signal/{target_id}",
    }
    return screens.get(kind, "/")


def _summary(notices: Sequence[PushNotice], kind: str) -> str:
    of_kind = [n for n in notices if n.kind == kind]
    distinct = len({n.target_id for n in of_kind})
    return of_kind[-1].title if distinct == 1 else _MANY[kind].format(n=distinct)


def coalesce(notices: Sequence[PushNotice]) -> tuple[str, dict[str, object]]:
    """(topic, payload) for one rep's notices, oldest first. Notices about one thing keep the
    publisher's words; several things become a count ("3 new briefs"). The English title and
    body are for any client; the rep app words `type` and `counts` in the rep's language."""
    latest = notices[-1]
    kinds = Counter(n.kind for n in notices)
    targets = {(n.kind, n.target_id) for n in notices}
    if len(targets) == 1:
        kind, target, title, body = latest.kind, latest.target_id, latest.title, latest.body
    elif len(kinds) == 1:
        distinct = len({t for _, t in targets})
        kind, target = latest.kind, None
        title, body = _MANY[kind].format(n=distinct), _BODY
    else:
        kind, target = TOPIC_UPDATES, None
        title = f"{len(targets)} updates for you"
        body = "; ".join(_summary(notices, k) for k in kinds)
    payload: dict[str, object] = {
        "type": kind,
        "target_id": target,
        "title": title,
        "body": body,
        "url": _url(kind, target),
        # what changed, by kind: how many distinct things (the phone words it in its language)
        "counts": {k: len({n.target_id for n in notices if n.kind == k}) for k in kinds},
    }
    return kind, payload
