"""Signing in through the API: register, token pairs, rotation, revocation, personal tokens."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask.typing import ResponseReturnValue

from taskmanager.accounts import services as accounts
from taskmanager.accounts.schemas import MeOut
from taskmanager.accounts.schemas import MeUpdate
from taskmanager.accounts.schemas import RegisterIn
from taskmanager.api import personal_tokens
from taskmanager.api import tokens
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.bearer import who
from taskmanager.api.http import created
from taskmanager.api.http import paged
from taskmanager.api.http import responses
from taskmanager.api.schemas import Accepted
from taskmanager.api.schemas import Credentials
from taskmanager.api.schemas import PersonalTokenCreated
from taskmanager.api.schemas import PersonalTokenIn
from taskmanager.api.schemas import PersonalTokenOut
from taskmanager.api.schemas import RefreshIn
from taskmanager.api.schemas import TokenPairOut
from taskmanager.schemas import Page
from taskmanager.schemas import PageQuery

bp = APIBlueprint("api_auth", __name__, url_prefix="/api/v1", tag="Auth")

# Rate limited per client address and per account by api.init_app.
LIMITED = ("api_auth.create_tokens", "api_auth.register")


@bp.post("/auth/register")
@bp.input(RegisterIn, arg_name="data")
@bp.output(Accepted, status_code=201)
@bp.doc(
    summary="Create an account; a confirmation email follows",
    description="An address email_validator refuses, or a password too easy to guess, is "
    "422 with the reason per field.",
    responses=[422],
)
def register(data: RegisterIn) -> dict[str, str]:
    accounts.register(email=data.email, password=data.password, name=data.name)
    # The same answer whether or not the address already had an account.
    return {"message": "Check your inbox to confirm your email address."}


@bp.post("/auth/tokens")
@bp.input(Credentials, arg_name="data")
@bp.output(TokenPairOut, status_code=201)
@bp.doc(summary="Sign in: an access and a refresh token", responses=[401, 403, 429])
def create_tokens(data: Credentials) -> Any:
    return tokens.sign_in(email=data.email, password=data.password, otp=data.otp)


@bp.post("/auth/refresh")
@bp.input(RefreshIn, arg_name="data")
@bp.output(TokenPairOut)
@bp.doc(summary="Rotate: spend a refresh token for a new pair", responses=[401])
def refresh(data: RefreshIn) -> Any:
    return tokens.refresh(refresh_token=data.refresh_token)


@bp.post("/auth/revoke")
@bp.input(RefreshIn, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(summary="Sign out: revoke the refresh token's family", responses=[401])
def revoke(data: RefreshIn) -> tuple[str, int]:
    tokens.revoke(refresh_token=data.refresh_token)
    return "", 204


@bp.get("/tokens")
@bp.auth_required(bearer)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(Page[PersonalTokenOut])
@bp.doc(
    summary="My personal API tokens (never their secrets)",
    responses=responses(headers=["Link"]),
)
def list_personal_tokens(query: PageQuery) -> ResponseReturnValue:
    return paged(
        personal_tokens.personal_tokens_query(who()), page=query.page, per_page=query.per_page,
        out=PersonalTokenOut.model_validate,
    )  # fmt: skip


@bp.post("/tokens")
@bp.auth_required(bearer)
@bp.input(PersonalTokenIn, arg_name="data")
@bp.output(PersonalTokenCreated, status_code=201)
@bp.doc(
    summary="Create a personal API token; its secret is shown only here",
    responses=responses(status=201, headers=["Location"]),
)
def create_personal_token(data: PersonalTokenIn) -> Any:
    token, secret = personal_tokens.create_personal_token(user=caller(), name=data.name)
    body = PersonalTokenCreated.model_validate(
        {**PersonalTokenOut.model_validate(token).model_dump(), "token": secret}
    )
    return body, 201, created(f"/api/v1/tokens/{token.id}")


@bp.delete("/tokens/<int:token_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke a personal API token", responses=[404])
def delete_personal_token(token_id: int) -> tuple[str, int]:
    personal_tokens.delete_personal_token(user=caller(), token_id=token_id)
    return "", 204


def _me() -> MeOut:
    user = caller()
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        time_zone=user.time_zone,
        two_factor=bool(user.tf_primary_method),
        notify_assigned=user.notify_assigned,
        notify_mentions=user.notify_mentions,
        notify_watching=user.notify_watching,
        reminder_hours=user.reminder_hours,
        weekly_summary=user.weekly_summary,
    )


@bp.get("/me")
@bp.auth_required(bearer)
@bp.output(MeOut)
@bp.doc(summary="My profile and notification preferences")
def me() -> MeOut:
    return _me()


@bp.patch("/me")
@bp.auth_required(bearer)
@bp.input(MeUpdate, arg_name="data")
@bp.output(MeOut)
@bp.doc(summary="Change my name, time zone or notification preferences", responses=[422])
def update_me(data: MeUpdate) -> MeOut:
    user = caller()
    accounts.update_profile(user=user, data=data)
    return _me()
