"""Demo data for `strang demo`: idempotent, realistic, grows as features land.

Each feature adds its own `seed_*` step below, in order.
"""

from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.models import Role, User
from app.core.db import make_engine
from app.core.settings import Settings
from app.leads.demo import seed_content
from app.sync.demo import seed_insights_history

DEMO_PASSWORD = "demo"
DEMO_USERS: list[tuple[str, str, Role, str, str]] = [
    ("marketing@demo.strang", "Mara Marketing", Role.marketing, "", ""),
    ("admin@demo.strang", "Ada Admin", Role.admin, "", ""),
    ("rep1@demo.strang", "Jonas Becker", Role.rep, "North", "Hamburg"),
    ("rep2@demo.strang", "Lena Fischer", Role.rep, "South", "Munich"),
    ("rep3@demo.strang", "Tom Walker", Role.rep, "North", "Berlin"),
]


def seed_users(session: Session) -> dict[str, User]:
    users: dict[str, User] = {}
    for email, name, role, region, team in DEMO_USERS:
        user = auth_service.find_user_by_email(session, email)
        if user is None:
            user = auth_service.create_user(
                session,
                email=email,
                name=name,
                role=role,
                password="x" * 8,
                region=region,
                team=team,
            )
            auth_service.set_password(session, user, DEMO_PASSWORD)
        users[email] = user
    session.flush()
    return users


def seed_demo(session: Session, settings: Settings) -> None:
    seed_users(session)
    seed_content(session, settings)
    seed_insights_history(session)


def seed_demo_database(settings: Settings) -> None:
    """`seed_demo` in its own session on `settings`' database, committed and closed (on SQLite the
    last connection to close folds the WAL into the database file, so it can be copied)."""
    engine = make_engine(settings)
    with Session(engine) as session:
        seed_demo(session, settings)
        session.commit()
    engine.dispose()
