"""Registration and public profiles."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import request
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from comparison.flask_blog.errors import Conflict
from comparison.flask_blog.errors import NotFound
from comparison.flask_blog.extensions import db
from comparison.flask_blog.models import Post
from comparison.flask_blog.models import User
from comparison.flask_blog.posts import page_of_posts
from comparison.flask_blog.schemas import USERNAME
from comparison.flask_blog.schemas import read_new_user
from comparison.flask_blog.schemas import read_page

bp = Blueprint("users", __name__)


def get_user_or_404(username: str) -> User:
    user = None
    # A name that could never be registered is not looked up at all.
    if USERNAME.fullmatch(username):
        user = db.session.scalar(select(User).filter_by(username=username))
    if user is None:
        raise NotFound("User not found")
    return user


@bp.post("/users")
def create_user() -> tuple[dict[str, Any], int, dict[str, str]]:
    new = read_new_user(request.get_json())
    if db.session.scalar(select(User.id).filter_by(username=new.username)) is not None:
        raise Conflict("Username already taken")
    if db.session.scalar(select(User.id).filter_by(email=new.email)) is not None:
        raise Conflict("Email already registered")
    user = User(username=new.username, email=new.email)
    user.set_password(new.password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # lost a race with an identical registration
        db.session.rollback()
        raise Conflict("Username or email already registered") from None
    location = url_for(".get_user", username=user.username)
    return {"id": user.id, "username": user.username}, 201, {"Location": location}


@bp.get("/users/<username>")
def get_user(username: str) -> dict[str, Any]:
    user = get_user_or_404(username)
    count = db.session.scalar(select(func.count()).where(Post.author_id == user.id))
    return {"id": user.id, "username": user.username, "post_count": count}


@bp.get("/users/<username>/posts")
def get_user_posts(username: str) -> dict[str, Any]:
    page, per_page = read_page(request.args)
    user = get_user_or_404(username)
    return page_of_posts(page, per_page, Post.author_id == user.id)
