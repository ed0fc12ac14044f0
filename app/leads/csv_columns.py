"""The columns a leads CSV may have: each field's header names in English and German, and the
longest text it takes."""

import unicodedata

# field → (max length, header names: English and German, normalised by `norm_header`)
TEXT_FIELDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "external_ref": (100, ("externalref", "ref", "reference", "crmid", "externalid", "id",
                           "referenz", "externereferenz", "kundennummer", "kundennr", "kdnr")),
    "company": (200, ("company", "companyname", "account", "firma", "unternehmen",
                      "firmenname")),
    "contact_name": (200, ("contactname", "contact", "name", "ansprechpartner", "kontakt",
                           "kontaktperson")),
    "contact_role": (200, ("contactrole", "role", "position", "title", "jobtitle", "funktion",
                           "rolle")),
    "phone": (50, ("phone", "telephone", "tel", "telefon", "telefonnummer")),
    "email": (320, ("email", "mail", "emailaddress", "emailadresse")),
    "street": (200, ("street", "address", "strasse", "adresse", "anschrift")),
    "postal_code": (20, ("postalcode", "zip", "zipcode", "postcode", "plz", "postleitzahl")),
    "city": (100, ("city", "town", "ort", "stadt")),
    "country": (100, ("country", "land")),
    "region": (100, ("region", "gebiet", "vertriebsgebiet")),
    "segment": (100, ("segment", "industry", "branche")),
    "brief_md": (20_000, ("brief", "briefmd", "briefing", "notes", "notizen", "hinweise")),
}  # fmt: skip
OTHER_FIELDS: dict[str, tuple[str, ...]] = {
    "rep": ("rep", "repemail", "salesrep", "assignedto", "owner", "vertreter",
            "aussendienst", "aussendienstler", "berater", "mitarbeiter", "betreuer"),
    "campaign": ("campaign", "campaignid", "campaignname", "kampagne"),
    "planned_visit_at": ("plannedvisitat", "plannedvisit", "visit", "visitat", "besuch",
                         "besuchstermin", "termin", "geplanterbesuch"),
    "priority": ("priority", "prio", "prioritaet"),
}  # fmt: skip
ALIASES: dict[str, str] = {
    alias: name
    for name, aliases in [(n, a) for n, (_, a) in TEXT_FIELDS.items()] + list(OTHER_FIELDS.items())
    for alias in (*aliases, name.replace("_", ""))
}
REQUIRED = ("company", "rep")
COMPARED = (*TEXT_FIELDS, "rep_id", "campaign_id", "planned_visit_at", "priority")


def norm_header(header: str) -> str:
    text = header.strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())
