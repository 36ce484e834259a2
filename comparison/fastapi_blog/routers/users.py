"""Registration and public profiles."""

import re

from fastapi import APIRouter
from fastapi import Request
from fastapi import Response
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from comparison.fastapi_blog.db import SessionDep
from comparison.fastapi_blog.errors import Conflict
from comparison.fastapi_blog.errors import NotFound
from comparison.fastapi_blog.models import Post
from comparison.fastapi_blog.models import User
from comparison.fastapi_blog.routers.posts import page_of_posts
from comparison.fastapi_blog.routing import JSONBodyRoute
from comparison.fastapi_blog.schemas import Page
from comparison.fastapi_blog.schemas import PageNumber
from comparison.fastapi_blog.schemas import PerPage
from comparison.fastapi_blog.schemas import Profile
from comparison.fastapi_blog.schemas import UserCreate
from comparison.fastapi_blog.schemas import UserOut
from comparison.fastapi_blog.security import password_hash

router = APIRouter(tags=["users"], route_class=JSONBodyRoute)
USERNAME = re.compile(r"[A-Za-z0-9_]{3,32}")


async def get_user_or_404(session: AsyncSession, username: str) -> User:
    user = None
    # A name that could never be registered is not looked up at all.
    if USERNAME.fullmatch(username):
        user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("User not found")
    return user


@router.post("/users", status_code=201)
async def create_user(
    data: UserCreate, session: SessionDep, request: Request, response: Response
) -> UserOut:
    if await session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict("Username already taken")
    if await session.scalar(select(User.id).where(User.email == data.email)):
        raise Conflict("Email already registered")
    user = User(
        username=data.username, email=data.email, password_hash=password_hash.hash(data.password)
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:  # lost a race with an identical registration
        raise Conflict("Username or email already registered") from None
    response.headers["Location"] = request.app.url_path_for("get_user", username=user.username)
    return UserOut(id=user.id, username=user.username)


@router.get("/users/{username}")
async def get_user(username: str, session: SessionDep) -> Profile:
    user = await get_user_or_404(session, username)
    count = await session.scalar(select(func.count()).where(Post.author_id == user.id))
    return Profile(id=user.id, username=user.username, post_count=count or 0)


@router.get("/users/{username}/posts")
async def get_user_posts(
    username: str, session: SessionDep, page: PageNumber = 1, per_page: PerPage = 20
) -> Page:
    user = await get_user_or_404(session, username)
    return await page_of_posts(session, page, per_page, Post.author_id == user.id)
