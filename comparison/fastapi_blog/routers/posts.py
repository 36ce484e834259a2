"""Posts: the paginated list, one post, and the author's writes."""

from fastapi import APIRouter
from fastapi import Request
from fastapi import Response
from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from comparison.fastapi_blog.db import SessionDep
from comparison.fastapi_blog.errors import Forbidden
from comparison.fastapi_blog.errors import NotFound
from comparison.fastapi_blog.models import Post
from comparison.fastapi_blog.models import User
from comparison.fastapi_blog.routing import JSONBodyRoute
from comparison.fastapi_blog.schemas import MAX_ID
from comparison.fastapi_blog.schemas import Page
from comparison.fastapi_blog.schemas import PageNumber
from comparison.fastapi_blog.schemas import PerPage
from comparison.fastapi_blog.schemas import PostCreate
from comparison.fastapi_blog.schemas import PostOut
from comparison.fastapi_blog.schemas import PostUpdate
from comparison.fastapi_blog.security import CurrentUser

router = APIRouter(tags=["posts"], route_class=JSONBodyRoute)


async def page_of_posts(
    session: AsyncSession, page: int, per_page: int, where: ColumnElement[bool] | None = None
) -> Page:
    """One page, newest first, in the list shape shared by /posts and a user's posts."""
    query = select(Post).order_by(Post.created_at.desc(), Post.id.desc())
    count = select(func.count()).select_from(Post)
    if where is not None:
        query, count = query.where(where), count.where(where)
    posts = await session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return Page(
        posts=[PostOut.of(post) for post in posts],
        total=await session.scalar(count) or 0,
        page=page,
        per_page=per_page,
    )


async def get_post_or_404(session: AsyncSession, post_id: int) -> Post:
    post = await session.get(Post, post_id) if post_id <= MAX_ID else None
    if post is None:
        raise NotFound("Post not found")
    return post


async def get_own_post(session: AsyncSession, post_id: int, user: User) -> Post:
    post = await get_post_or_404(session, post_id)
    if post.author_id != user.id:
        raise Forbidden("Only the author can change this post")
    return post


@router.get("/posts")
async def list_posts(session: SessionDep, page: PageNumber = 1, per_page: PerPage = 20) -> Page:
    return await page_of_posts(session, page, per_page)


@router.post("/posts", status_code=201)
async def create_post(
    data: PostCreate, user: CurrentUser, session: SessionDep, request: Request, response: Response
) -> PostOut:
    post = Post(title=data.title, body=data.body, author=user)
    session.add(post)
    await session.commit()
    response.headers["Location"] = request.app.url_path_for("get_post", post_id=post.id)
    return PostOut.of(post)


@router.get("/posts/{post_id:int}")
async def get_post(post_id: int, session: SessionDep) -> PostOut:
    return PostOut.of(await get_post_or_404(session, post_id))


@router.patch("/posts/{post_id:int}")
async def update_post(
    post_id: int, data: PostUpdate, user: CurrentUser, session: SessionDep
) -> PostOut:
    post = await get_own_post(session, post_id, user)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(post, name, value)
    await session.commit()
    return PostOut.of(post)


@router.delete("/posts/{post_id:int}", status_code=204)
async def delete_post(post_id: int, user: CurrentUser, session: SessionDep) -> None:
    await session.delete(await get_own_post(session, post_id, user))
    await session.commit()
