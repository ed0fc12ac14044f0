from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentUser, PrincipalDep
from app.core.db import SessionDep
from app.core.deps import SettingsDep
from app.push import service
from app.push.keys import load_vapid_key
from app.push.schemas import PublicKey, SubscriptionCreate, SubscriptionDelete, SubscriptionPublic
from app.push.words import lang_of

router = APIRouter(prefix="/push", tags=["push"])


@router.get("/public-key")
def public_key(_: CurrentUser, request: Request) -> PublicKey:
    """The server's VAPID public key (`applicationServerKey`), made on first use."""
    return PublicKey(public_key=load_vapid_key(request.app.state.engine).public_key)


@router.post(
    "/subscriptions",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already known: keys and owner updated"}},
)
def subscribe(
    body: SubscriptionCreate,
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> SubscriptionPublic:
    """Register this device's push subscription (idempotent per endpoint). It is removed when
    this device logs out."""
    created = service.subscribe(
        session,
        settings,
        user_id=principal.user.id,
        auth_session_id=principal.session.id,
        endpoint=body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        lang=lang_of(body.lang) if body.lang else "",
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return SubscriptionPublic(endpoint=body.endpoint.strip(), created=created)


@router.delete("/subscriptions", status_code=status.HTTP_204_NO_CONTENT)
def unsubscribe(body: SubscriptionDelete, user: CurrentUser, session: SessionDep) -> None:
    """Forget this endpoint (nothing happens if it is unknown or someone else's)."""
    service.unsubscribe(session, user_id=user.id, endpoint=body.endpoint)
