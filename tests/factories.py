"""Small builders for test data. Each feature adds what it needs, in product words."""

import uuid
from functools import cache

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.models import Role, User
from app.core.security import hash_password

PASSWORD = "correct horse battery"


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


class Factory:
    def __init__(self, db: Session, client: TestClient) -> None:
        self.db = db
        self.client = client

    def user(
        self,
        role: Role = Role.rep,
        *,
        email: str | None = None,
        name: str = "Test User",
        region: str = "North",
        team: str = "Hamburg",
        active: bool = True,
    ) -> User:
        user = User(
            email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.test",
            name=name,
            role=role,
            region=region,
            team=team,
            is_active=active,
            password_hash=_password_hash(),
        )
        self.db.add(user)
        self.db.commit()
        return user

    def token(self, user: User) -> str:
        response = self.client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.client.cookies.clear()  # tests choose their credentials explicitly
        return str(response.json()["token"])

    def auth(self, user: User) -> dict[str, str]:
        """Bearer headers for `user` (logs in through the API)."""
        return {"Authorization": f"Bearer {self.token(user)}"}

    def login_as(self, role: Role = Role.rep, **kwargs: object) -> tuple[User, dict[str, str]]:
        user = self.user(role, **kwargs)  # type: ignore[arg-type]
        return user, self.auth(user)
