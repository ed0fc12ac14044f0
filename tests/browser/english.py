"""What English looks like in the apps: the UI phrases of the English catalogues whose German
differs (read from pwa/src/i18n/en.ts, de.ts and the console's), plus the English texts the
service sends and the raw codes a German user must never read. Used to fail a German walk."""

import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

PWA = Path(__file__).resolve().parents[2] / "pwa" / "src"
CATALOGUES = [(PWA / "i18n"), (PWA / "console" / "i18n")]
ENTRY = re.compile(r"^\s*'([\w.]+)':\s*(['\"])((?:\\.|(?!\2).)*)\2,?\s*$")

# The service's English (error details, push reasons) and what a browser says by itself.
SERVER_ENGLISH = [
    "The server could not be reached",
    "Wrong email or password",
    "no such lead of yours",
    "is not an outcome code",
    "not allowed for",
    "Not authenticated",
    "Session expired",
    "not found",
    "already exists",
    "already used by another lead",
    "may not be null",
    "Field required",
    "String should have",
    "Internal Server Error",
    "Failed to fetch",
    "HTTP 4",
    "HTTP 5",
    "unknown_lead",
    "future_timestamp",
    "invalid_details",
]


def _entries(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            found[match.group(1)] = match.group(3).replace("\\'", "'")
    return found


@cache
def english_phrases() -> tuple[str, ...]:
    """English UI text fragments (between placeholders) that German never shows."""
    phrases: set[str] = set()
    for folder in CATALOGUES:
        en, de = _entries(folder / "en.ts"), _entries(folder / "de.ts")
        german = " ".join(de.values())
        for key, text in en.items():
            if de.get(key) == text:
                continue
            for part in re.split(r"\{\w+\}", text):
                part = part.strip(" .,:;!?…()“”\"'·/-\u2013\u2014")
                if len(part) >= 4 and re.search(r"[A-Za-z]{3}", part) and part not in german:
                    phrases.add(part)
    return tuple(sorted(phrases))


SHOWN_TEXT = """() => {
  const attrs = [...document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')]
    .flatMap((el) => ['aria-label', 'placeholder', 'title', 'alt']
      .map((a) => el.getAttribute(a) || ''))
  return [document.title, document.body.innerText, ...attrs].join('\\n')
}"""


def english_on(page: Page, codes: bool = False, content: tuple[str, ...] = ()) -> list[str]:
    """The English phrases the page shows (text, labels, placeholders, titles); with `codes`,
    also collateral kinds read as raw codes (IMAGE, VIDEO, LINK, a bare PDF). `content` is
    text marketing wrote (in English), left out."""
    text = str(page.evaluate(SHOWN_TEXT))
    for written in content:
        text = text.replace(written, "")
    found = [p for p in english_phrases() if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]
    found += [s for s in SERVER_ENGLISH if s in text]
    if codes:
        found += re.findall(r"(?<![\w-])(?:PDF|IMAGE|VIDEO|LINK|pdf|image|video)(?![\w-])", text)
    return found
