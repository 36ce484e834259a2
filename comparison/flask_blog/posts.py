"""Posts: the paginated list, one post, and the author's writes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import request
from flask import url_for
from flask_jwt_extended import get_current_user
from flask_jwt_extended import jwt_required
from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import select

from comparison.flask_blog.errors import Forbidden
from comparison.flask_blog.errors import NotFound
from comparison.flask_blog.extensions import db
from comparison.flask_blog.models import Post
from comparison.flask_blog.schemas import MAX_ID
from comparison.flask_blog.schemas import post_json
from comparison.flask_blog.schemas import read_page
from comparison.flask_blog.schemas import read_post

bp = Blueprint("posts", __name__)


def page_of_posts(
    page: int, per_page: int, where: ColumnElement[bool] | None = None
) -> dict[str, Any]:
    """One page, newest first, in the list shape shared by /posts and a user's posts."""
    query = select(Post).order_by(Post.created_at.desc(), Post.id.desc())
    # Counted on posts alone: db.paginate() would count its subquery, author join included.
    count = select(func.count()).select_from(Post)
    if where is not None:
        query, count = query.where(where), count.where(where)
    posts = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return {
        "posts": [post_json(post) for post in posts],
        "total": db.session.scalar(count),
        "page": page,
        "per_page": per_page,
    }


def get_post_or_404(post_id: int) -> Post:
    post = db.session.get(Post, post_id) if post_id <= MAX_ID else None
    if post is None:
        raise NotFound("Post not found")
    return post


def get_own_post(post_id: int) -> Post:
    post = get_post_or_404(post_id)
    if post.author_id != get_current_user().id:
        raise Forbidden("Only the author can change this post")
    return post


@bp.get("/posts")
def list_posts() -> dict[str, Any]:
    page, per_page = read_page(request.args)
    return page_of_posts(page, per_page)


@bp.post("/posts")
@jwt_required()
def create_post() -> tuple[dict[str, Any], int, dict[str, str]]:
    fields = read_post(request.get_json())
    post = Post(title=fields["title"], body=fields["body"], author=get_current_user())
    db.session.add(post)
    db.session.commit()
    return post_json(post), 201, {"Location": url_for(".get_post", post_id=post.id)}


@bp.get("/posts/<int:post_id>")
def get_post(post_id: int) -> dict[str, Any]:
    return post_json(get_post_or_404(post_id))


@bp.patch("/posts/<int:post_id>")
@jwt_required()
def update_post(post_id: int) -> dict[str, Any]:
    fields = read_post(request.get_json(), partial=True)
    post = get_own_post(post_id)
    for name, value in fields.items():
        setattr(post, name, value)
    db.session.commit()
    return post_json(post)


@bp.delete("/posts/<int:post_id>")
@jwt_required()
def delete_post(post_id: int) -> tuple[str, int]:
    db.session.delete(get_own_post(post_id))
    db.session.commit()
    return "", 204
