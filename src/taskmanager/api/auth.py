"""Signing in through the API: register, token pairs, rotation, revocation, personal tokens."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint

from taskmanager.accounts import services as accounts
from taskmanager.api import schemas
from taskmanager.api import tokens
from taskmanager.api.bearer import bearer
from taskmanager.api.bearer import caller
from taskmanager.api.http import created
from taskmanager.api.http import responses
from taskmanager.api.http import slice_of

bp = APIBlueprint("api_auth", __name__, url_prefix="/api/v1", tag="Auth")

# Rate limited per client address and per account by api.init_app.
LIMITED = ("api_auth.create_tokens", "api_auth.register")


@bp.post("/auth/register")
@bp.input(schemas.RegisterIn, arg_name="data")
@bp.output(schemas.Accepted, status_code=201)
@bp.doc(summary="Create an account; a confirmation email follows")
def register(data: schemas.RegisterIn) -> dict[str, str]:
    accounts.register(email=data.email, password=data.password, name=data.name)
    # The same answer whether or not the address already had an account.
    return {"message": "Check your inbox to confirm your email address."}


@bp.post("/auth/tokens")
@bp.input(schemas.Credentials, arg_name="data")
@bp.output(schemas.TokenPairOut, status_code=201)
@bp.doc(summary="Sign in: an access and a refresh token", responses=[401, 403, 429])
def create_tokens(data: schemas.Credentials) -> Any:
    return tokens.sign_in(email=data.email, password=data.password, otp=data.otp)


@bp.post("/auth/refresh")
@bp.input(schemas.RefreshIn, arg_name="data")
@bp.output(schemas.TokenPairOut)
@bp.doc(summary="Rotate: spend a refresh token for a new pair", responses=[401])
def refresh(data: schemas.RefreshIn) -> Any:
    return tokens.refresh(refresh_token=data.refresh_token)


@bp.post("/auth/revoke")
@bp.input(schemas.RefreshIn, arg_name="data")
@bp.output({}, status_code=204)
@bp.doc(summary="Sign out: revoke the refresh token's family", responses=[401])
def revoke(data: schemas.RefreshIn) -> tuple[str, int]:
    tokens.revoke(refresh_token=data.refresh_token)
    return "", 204


@bp.get("/tokens")
@bp.auth_required(bearer)
@bp.input(schemas.PageQuery, location="query", arg_name="query")
@bp.output(schemas.PersonalTokenPage)
@bp.doc(
    summary="My personal API tokens (never their secrets)",
    responses=responses(headers=["Link"]),
)
def list_personal_tokens(query: schemas.PageQuery) -> Any:
    found = [schemas.PersonalTokenOut.model_validate(t) for t in tokens.personal_tokens(caller())]
    return slice_of(found, page=query.page, per_page=query.per_page)


@bp.post("/tokens")
@bp.auth_required(bearer)
@bp.input(schemas.PersonalTokenIn, arg_name="data")
@bp.output(schemas.PersonalTokenCreated, status_code=201)
@bp.doc(
    summary="Create a personal API token; its secret is shown only here",
    responses=responses(status=201, headers=["Location"]),
)
def create_personal_token(data: schemas.PersonalTokenIn) -> Any:
    token, secret = tokens.create_personal_token(user=caller(), name=data.name)
    body = schemas.PersonalTokenCreated.model_validate(
        {**schemas.PersonalTokenOut.model_validate(token).model_dump(), "token": secret}
    )
    return body, 201, created(f"/api/v1/tokens/{token.id}")


@bp.delete("/tokens/<int:token_id>")
@bp.auth_required(bearer)
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke a personal API token", responses=[404])
def delete_personal_token(token_id: int) -> tuple[str, int]:
    tokens.delete_personal_token(user=caller(), token_id=token_id)
    return "", 204


def _me() -> schemas.MeOut:
    user = caller()
    return schemas.MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        time_zone=user.time_zone,
        two_factor=bool(user.tf_primary_method),
    )


@bp.get("/me")
@bp.auth_required(bearer)
@bp.output(schemas.MeOut)
@bp.doc(summary="My profile")
def me() -> schemas.MeOut:
    return _me()


@bp.patch("/me")
@bp.auth_required(bearer)
@bp.input(schemas.MeUpdate, arg_name="data")
@bp.output(schemas.MeOut)
@bp.doc(summary="Change my name or time zone")
def update_me(data: schemas.MeUpdate) -> schemas.MeOut:
    user = caller()
    accounts.update_profile(
        user=user,
        name=user.name if data.name is None else data.name,
        time_zone=data.time_zone or user.time_zone,
    )
    return _me()
