"""Demo content for `strang demo`: campaigns with real (generated) files and ~60 leads.

Idempotent: campaigns are found by name, leads by their `external_ref` (DEMO-…).
"""

import hashlib
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.auth import service as auth_service
from app.auth.models import User
from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, CampaignStatus
from app.changes.log import SyncEntity, record_change
from app.collateral.models import Collateral, CollateralKind
from app.collateral.samples import banner_png, pdf_document
from app.core.settings import Settings
from app.core.storage import blob_storage
from app.leads import service as leads
from app.leads.models import Lead

CAMPAIGNS = [
    {
        "name": "Frühjahrsaktion Wärmepumpe WP-300",
        "key_message": "Halbe Heizkosten in zwei Wintern - mit 20 % Aktionsrabatt bis Ende April.",
        "talking_points_md": (
            "- **Förderung**: bis zu 40 % über das BAFA-Programm, wir füllen den Antrag aus\n"
            "- **Einbau in 3 Tagen**, ohne Estrich aufzureißen\n"
            "- Wartungsvertrag im ersten Jahr **gratis**\n"
            "- Einwand *zu laut?* → 38 dB(A), leiser als ein Kühlschrank"
        ),
        "status": CampaignStatus.live,
        "audience_all": True,
    },
    {
        "name": "Energy check for bakeries",
        "key_message": "Ovens run 18 hours a day: we cut their energy bill by a quarter.",
        "talking_points_md": (
            "1. Ask for the **last energy bill** before you talk numbers\n"
            "2. Offer the free on-site check (45 minutes, no obligation)\n"
            "3. Show the case study: *Bäckerei Kruse* saved 11,400 € a year"
        ),
        "status": CampaignStatus.live,
        "audience_all": False,
        "audience_regions": ["North"],
    },
    {
        "name": "Herbstmesse 2027 - Einladungen",
        "key_message": "Persönliche Einladung an den Messestand, Halle B4.",
        "talking_points_md": (
            "- Freikarten für Bestandskunden\n- Live-Vorführung jeden Tag um 11 Uhr"
        ),
        "status": CampaignStatus.draft,
        "audience_all": False,
        "audience_teams": ["Munich"],
    },
]

DE_COMPANIES = [
    "Bäckerei Kruse", "Metzgerei Hoffmann", "Autohaus Schröder", "Hotel Zur Linde",
    "Gärtnerei Grünwald", "Zahnarztpraxis Dr. Weber", "Tischlerei Möller", "Café Sommer",
    "Brauerei Seitz", "Elektro Bauer GmbH", "Physiotherapie Lang", "Sanitär Keller KG",
    "Landgasthof Krüger", "Schreinerei Vogel", "Fitnessstudio Kraftwerk", "Blumen Schäfer",
    "Druckerei Neumann", "Kita Sonnenschein", "Weingut Fuchs", "Optik Zimmermann",
    "Steuerbüro Wolf & Partner", "Reifen Meier", "Konditorei Schulz", "Pension Seeblick",
    "Friseursalon Haarmonie", "Apotheke am Markt", "Bio-Hof Lindner", "Malerbetrieb Koch",
    "Kfz-Werkstatt Braun", "Eiscafé Venezia",
]  # fmt: skip
EN_COMPANIES = [
    "Northwind Logistics", "Harbour View Hotel", "Bright Smile Dental", "Oak & Barrel Pub",
    "Greenfield Nursery", "Summit Fitness", "Redbrick Bakery", "Bluewater Marina",
    "Kingsley Print Works", "Maple Leaf Café", "Silverline Motors", "Riverside Clinic",
    "Copperpot Kitchen", "Lighthouse Books", "Evergreen Care Home", "Stonebridge Dairy",
    "Whitfield Opticians", "Golden Crust Pizza", "Horizon Coworking", "Foxglove Florist",
    "Ashford Hardware", "Millstone Brewery", "Cobalt Car Wash", "Willow Tree Nursery",
    "Beacon Pharmacy", "Tidewater Seafood", "Juniper Spa", "Crescent Laundry",
    "Harrow Joinery", "Pinecrest Lodge",
]  # fmt: skip
CITIES = {
    "rep1@demo.strang": ("Hamburg", "North", ["20095", "22765", "22303", "20457"],
                         ["Große Elbstraße", "Mönckebergstraße", "Osterstraße", "Elbchaussee"]),
    "rep2@demo.strang": ("München", "South", ["80331", "80469", "81667", "80799"],
                         ["Leopoldstraße", "Sendlinger Straße", "Rosenheimer Straße", "Tal"]),
    "rep3@demo.strang": ("Berlin", "North", ["10115", "10997", "12047", "10405"],
                         ["Kastanienallee", "Oranienstraße", "Sonnenallee", "Prenzlauer Allee"]),
}  # fmt: skip
CONTACTS = [
    ("Anna Schmidt", "Inhaberin"), ("Jürgen Weiß", "Geschäftsführer"), ("Sarah Miller", "Owner"),
    ("Mehmet Yilmaz", "Betriebsleiter"), ("Claire Dubois", "Facility manager"),
    ("Peter Brown", "Purchasing"), ("Sabine Koch", "Einkauf"), ("Lukas Meier", "Technik"),
]  # fmt: skip
SEGMENTS = ["Handwerk", "Gastronomie", "Gesundheit", "Handel", "Hospitality"]
BRIEFS = [
    "## Why now\n{company} renewed their lease last month and plans to replace the old gas "
    "boiler before winter.\n\n## Talking points\n- Lead with the **subsidy**: up to 40 %\n"
    "- Ask about opening hours: heat demand peaks before 7 am\n\n"
    "## History\nVisited in 2025, liked the idea, worried about noise.",
    "## Warum jetzt\n{contact} hat auf der Messe nach **Heizkosten** gefragt.\n\n"
    "## Gesprächsleitfaden\n1. Letzte Energierechnung zeigen lassen\n"
    "2. Förderung und Einbauzeit erklären\n3. Termin für den Vor-Ort-Check vereinbaren\n\n"
    "> Achtung: der Wettbewerb war schon da - *nicht* über den Preis einsteigen.",
    "## Context\n{company} opened a second branch; the owner decides alone.\n\n"
    "- Bring the **case study** (page 3 of the product sheet)\n"
    "- Mention the free maintenance year\n- Ask who services their current system",
    "## Hinweise\nKunde seit 2019, zufrieden mit dem Service. Kurzer Besuch reicht.\n\n"
    "- Neue Aktion vorstellen\n- Nach Empfehlungen fragen",
]


def _store(session: Session, settings: Settings, content: bytes) -> str:
    storage = blob_storage(settings)
    sha256 = hashlib.sha256(content).hexdigest()
    if not storage.exists(sha256):
        temp = storage.temp_dir() / f"demo-{sha256}"
        temp.write_bytes(content)
        storage.put(temp, sha256)
    return sha256


def _file(
    session: Session, settings: Settings, campaign: Campaign, title: str, name: str, data: bytes
) -> Collateral:
    is_pdf = name.endswith(".pdf")
    item = Collateral(
        campaign_id=campaign.id,
        kind=CollateralKind.pdf if is_pdf else CollateralKind.image,
        title=title,
        sha256=_store(session, settings, data),
        size=len(data),
        content_type="application/pdf" if is_pdf else "image/png",
        filename=name,
    )
    session.add(item)
    session.flush()
    record_change(session, SyncEntity.collateral, item.id)
    return item


def _collateral(session: Session, settings: Settings, campaign: Campaign) -> list[Collateral]:
    if campaign.name.startswith("Frühjahr"):
        sheet = pdf_document(
            [
                ["Wärmepumpe WP-300", "Produktblatt · Frühjahrsaktion 2027", "",
                 "Heizleistung 3-12 kW, COP 4,8 bei A7/W35", "Schallpegel 38 dB(A) in 3 m",
                 "Einbau in drei Tagen, ohne Estricharbeiten"],
                ["Förderung und Preise", "Listenpreis 14.900 EUR, Aktionspreis 11.920 EUR",
                 "BAFA-Förderung bis 40 %: wir stellen den Antrag",
                 "Wartung im ersten Jahr gratis"],
                ["Referenz: Bäckerei Kruse, Hamburg", "Ersparnis 11.400 EUR pro Jahr",
                 "\"Der Umstieg hat sich nach 26 Monaten bezahlt gemacht.\""],
            ],
            title="WP-300 Produktblatt",
        )  # fmt: skip
        banner = banner_png(640, 360, (12, 58, 110), (22, 140, 160), (250, 200, 40))
        link = Collateral(
            campaign_id=campaign.id,
            kind=CollateralKind.link,
            title="Einbau im Zeitraffer (Video)",
            url="https://example.com/wp-300-einbau",
        )
        session.add(link)
        session.flush()
        record_change(session, SyncEntity.collateral, link.id)
        return [
            _file(session, settings, campaign, "Produktblatt WP-300", "WP-300.pdf", sheet),
            _file(session, settings, campaign, "Aktionsmotiv", "aktionsmotiv.png", banner),
            link,
        ]  # fmt: skip
    if campaign.name.startswith("Energy"):
        sheet = pdf_document(
            [
                ["Energy check for bakeries", "What we measure in 45 minutes", "",
                 "Oven and proofer consumption", "Heat recovery potential", "Tariff review"],
                ["Case study: Bäckerei Kruse", "Energy bill down 24 % in the first year",
                 "Payback after 26 months"],
                ["Next steps", "1. Book the free check", "2. Receive a written report",
                 "3. Decide, no obligation"],
            ],
            title="Energy check for bakeries",
        )  # fmt: skip
        chart = banner_png(480, 270, (250, 245, 235), (235, 215, 190), (200, 90, 40))
        return [
            _file(session, settings, campaign, "Energy check leaflet", "energy-check.pdf", sheet),
            _file(session, settings, campaign, "Savings chart", "savings-chart.png", chart),
        ]
    invite = pdf_document([["Herbstmesse 2027", "Halle B4, Stand 112", "Einladung"]], "Einladung")
    return [_file(session, settings, campaign, "Einladung", "einladung-herbstmesse.pdf", invite)]


def seed_content(session: Session, settings: Settings) -> None:
    users = {
        email: user
        for email in CITIES
        if (user := auth_service.find_user_by_email(session, email)) is not None
    }
    if len(users) < len(CITIES):
        return  # the demo reps come first (`seed_users`)
    existing = {c.name: c for c in session.exec(select(Campaign))}
    live: list[tuple[Campaign, list[Collateral]]] = []
    for spec in CAMPAIGNS:
        campaign = existing.get(str(spec["name"]))
        if campaign is None:
            campaign = campaigns.create_campaign(session, data=dict(spec))
            items = _collateral(session, settings, campaign)
        else:
            items = list(
                session.exec(select(Collateral).where(Collateral.campaign_id == campaign.id))
            )
        if campaign.status == CampaignStatus.live:
            live.append((campaign, items))
    _seed_leads(session, users, live, settings.zone)


def _seed_leads(
    session: Session,
    users: dict[str, User],
    live: list[tuple[Campaign, list[Collateral]]],
    zone: ZoneInfo,
) -> None:
    """Demo leads with visits today and on the next days, on the organisation's clock."""
    known = set(
        session.exec(select(Lead.external_ref).where(col(Lead.external_ref).like("DEMO-%")))
    )
    rng = random.Random(7)  # the same demo every time
    today = datetime.now(zone).date()
    names = [n for pair in zip(DE_COMPANIES, EN_COMPANIES, strict=True) for n in pair]
    reps = list(CITIES)
    for index, company in enumerate(names):
        ref = f"DEMO-{index + 1:03d}"
        if ref in known:
            continue
        email = reps[index % len(reps)]
        city, region, postcodes, streets = CITIES[email]
        campaign, items = live[0] if region == "South" or index % 3 else live[-1]
        contact, role = CONTACTS[index % len(CONTACTS)]
        visit = None
        if index < 24:  # a full day today and tomorrow for every rep
            day = today + timedelta(days=(index // 3) % 2)
            at = time(8 + (index // 6) * 2, 30 if index % 2 else 0)
            visit = datetime.combine(day, at, zone)
        elif index % 4 == 0:
            visit = datetime.combine(today + timedelta(days=2 + index % 5), time(10), zone)
        files = [i for i in items if i.kind != CollateralKind.link] or items
        leads.create_lead(
            session,
            data={
                "external_ref": ref,
                "company": company,
                "contact_name": contact,
                "contact_role": role,
                "phone": f"+49 {rng.randint(30, 89)} {rng.randint(1000000, 9999999)}",
                "email": f"kontakt{index + 1}@example.com",
                "street": f"{streets[index % len(streets)]} {rng.randint(1, 180)}",
                "postal_code": postcodes[index % len(postcodes)],
                "city": city,
                "country": "DE",
                "region": region,
                "segment": SEGMENTS[index % len(SEGMENTS)],
                "campaign_id": campaign.id,
                "rep_id": users[email].id,
                "planned_visit_at": visit,
                "priority": 1 + index % 3,
                "brief_md": BRIEFS[index % len(BRIEFS)].format(company=company, contact=contact),
                "recommended_collateral_ids": [i.id for i in files[: 1 + index % 2]],
            },
        )
