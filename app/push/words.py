"""The neutral words of a notification, in English and German.

They name what kind of thing is new and how many, never which: no customer, campaign or file
names and no reply text, because a lock screen is read by whoever holds the phone. (With
`STRANG_PUSH_DETAILS=minimal` the phone may add a lead's or campaign's name from its own
synced data; the server never sends one.)
"""

from dataclasses import dataclass

LANGS = ("en", "de")


@dataclass(frozen=True)
class Kind:
    one: str
    many: str  # with {n}


WORDS: dict[str, dict[str, Kind]] = {
    "en": {
        "new_leads": Kind("New brief", "{n} new briefs"),
        "new_campaign": Kind("New campaign", "{n} new campaigns"),
        "new_collateral": Kind("New material in a campaign", "New material in {n} campaigns"),
        "signal_answered": Kind(
            "Marketing replied to your signal", "Marketing replied to {n} of your signals"
        ),
        "counter_collateral": Kind(
            "Material recommended for a lead", "Material recommended for {n} leads"
        ),
        "share_opened": Kind("Shared material was opened", "{n} shared links were opened"),
    },
    "de": {
        "new_leads": Kind("Neues Briefing", "{n} neue Briefings"),
        "new_campaign": Kind("Neue Kampagne", "{n} neue Kampagnen"),
        "new_collateral": Kind(
            "Neues Material in einer Kampagne", "Neues Material in {n} Kampagnen"
        ),
        "signal_answered": Kind(
            "Das Marketing hat dein Signal beantwortet",
            "Das Marketing hat {n} deiner Signale beantwortet",
        ),
        "counter_collateral": Kind(
            "Material für einen Lead empfohlen", "Material für {n} Leads empfohlen"
        ),
        "share_opened": Kind(
            "Geteiltes Material wurde geöffnet", "{n} geteilte Links wurden geöffnet"
        ),
    },
}
ANY: dict[str, Kind] = {
    "en": Kind("Something new for you", "{n} new things for you"),
    "de": Kind("Etwas Neues für dich", "{n} Neuigkeiten für dich"),
}
UPDATES = {"en": "{n} updates for you", "de": "{n} Neuigkeiten für dich"}
OPEN_ONE = {"en": "Open Strang to see it.", "de": "Öffne Strang, um es zu sehen."}
OPEN_MANY = {
    "en": "Open Strang to see what is new.",
    "de": "Öffne Strang, um die Neuigkeiten zu sehen.",
}


def lang_of(*preferences: str | None) -> str:
    """The first supported language among the preferences ("de-AT" counts as German)."""
    for preference in preferences:
        primary = (preference or "").strip().lower()[:2]
        if primary in LANGS:
            return primary
    return "en"


def count_words(kind: str, n: int, lang: str) -> str:
    words = WORDS[lang].get(kind) or ANY[lang]
    return words.one if n == 1 else words.many.format(n=n)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis, never mid-word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip(" ;,.") + "…"
