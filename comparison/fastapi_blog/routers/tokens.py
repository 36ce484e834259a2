"""Issuing bearer tokens."""

from fastapi import APIRouter
from fastapi import Request
from sqlalchemy import select

from comparison.fastapi_blog.db import SessionDep
from comparison.fastapi_blog.errors import InvalidCredentials
from comparison.fastapi_blog.models import User
from comparison.fastapi_blog.routing import JSONBodyRoute
from comparison.fastapi_blog.schemas import Token
from comparison.fastapi_blog.schemas import TokenRequest
from comparison.fastapi_blog.security import issue_token
from comparison.fastapi_blog.security import password_hash

router = APIRouter(tags=["tokens"], route_class=JSONBodyRoute)


@router.post("/tokens")
async def create_token(data: TokenRequest, session: SessionDep, request: Request) -> Token:
    user = await session.scalar(select(User).where(User.email == data.email.lower()))
    if user is None or not password_hash.verify(data.password, user.password_hash):
        raise InvalidCredentials("Invalid email or password")
    return issue_token(user, request.app.state.settings)
