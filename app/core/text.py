import unicodedata


def fold(text: str) -> str:
    """Without case and accents: "Bäckerei" sorts with "Backerei", not after "Brauerei" (byte
    order, which SQLite and a C-collated PostgreSQL use), and "muller" finds "Müller". Every
    search and sort that people type into (leads, collateral) folds the same way."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()
