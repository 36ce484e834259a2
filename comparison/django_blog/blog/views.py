"""The JSON API as class-based views: one class per URL, one method per verb."""

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from blog.auth import issue_token
from blog.auth import user_from_request
from blog.errors import Conflict
from blog.errors import Forbidden
from blog.errors import InvalidCredentials
from blog.errors import InvalidJSON
from blog.errors import NotFound
from blog.errors import PayloadTooLarge
from blog.errors import UnsupportedMediaType
from blog.errors import ValidationFailed
from blog.errors import error_response
from blog.forms import PageForm
from blog.forms import PostForm
from blog.forms import RegistrationForm
from blog.forms import TokenForm
from blog.models import Post
from blog.models import User

MAX_ID = 2**31 - 1
USERNAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def bearer_required(method: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view method only for a valid bearer token; the user is ``request.user``."""

    def wrapper(self: "APIView", request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.user = user_from_request(request)
        return method(self, request, *args, **kwargs)

    return wrapper


@method_decorator(csrf_exempt, name="dispatch")  # bearer tokens, not cookies: no CSRF
class APIView(View):
    """Answers 405 in JSON and parses a POST/PATCH body before the method runs."""

    data: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        method = request.method.lower() if request.method else ""
        if method not in self.http_method_names or not hasattr(self, method):
            return self.http_method_not_allowed(request, *args, **kwargs)
        if method in ("post", "patch"):
            self.data = read_json(request)
        return super().dispatch(request, *args, **kwargs)

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = error_response(405, "method_not_allowed", "Method not allowed on this path")
        response["Allow"] = ", ".join(self._allowed_methods())
        return response


def read_json(request: HttpRequest) -> Any:
    if request.content_type != "application/json" and not (
        request.content_type.startswith("application/") and request.content_type.endswith("+json")
    ):
        raise UnsupportedMediaType("Send the body as Content-Type: application/json")
    try:
        return json.loads(request.body)
    except RequestDataTooBig:
        raise PayloadTooLarge("Request body exceeds 65536 bytes") from None
    except (ValueError, RecursionError):  # bad syntax or encoding, absurd nesting
        raise InvalidJSON("Request body is not valid JSON") from None


def validated(form_class: Any, data: Any, *, partial: bool = False) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed({"body": ["Expected a JSON object."]})
    form = form_class.partial(data) if partial else form_class(data)
    if not form.is_valid():
        raise ValidationFailed({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


def post_json(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "title": post.title,
        "body": post.body,
        "author": post.author.username,
        "created_at": post.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def page_of_posts(request: HttpRequest, posts: QuerySet[Post]) -> JsonResponse:
    """One page of ``posts`` (already filtered) in the list shape, newest first."""
    query = validated(PageForm, request.GET.dict())
    page, per_page = query["page"] or 1, query["per_page"] or 20
    start = (page - 1) * per_page
    return JsonResponse(
        {
            "posts": [
                post_json(post) for post in posts.select_related("author")[start : start + per_page]
            ],
            "total": posts.count(),
            "page": page,
            "per_page": per_page,
        }
    )


def get_user_or_404(username: str) -> User:
    # A name that could never be registered is not looked up at all.
    if 3 <= len(username) <= 32 and USERNAME_CHARS.issuperset(username):
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
    raise NotFound("User not found")


def get_post_or_404(post_id: int) -> Post:
    if post_id <= MAX_ID:
        post = Post.objects.select_related("author").filter(pk=post_id).first()
        if post is not None:
            return post
    raise NotFound("Post not found")


def get_own_post(request: HttpRequest, post_id: int) -> Post:
    post = get_post_or_404(post_id)
    if post.author_id != request.user.pk:
        raise Forbidden("Only the author can change this post")
    return post


class Health(APIView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse({"status": "ok"})


class UserList(APIView):
    def post(self, request: HttpRequest) -> HttpResponse:
        fields = validated(RegistrationForm, self.data)
        if User.objects.filter(username=fields["username"]).exists():
            raise Conflict("Username already taken")
        if User.objects.filter(email=fields["email"]).exists():
            raise Conflict("Email already registered")
        try:
            user = User.objects.create_user(**fields)
        except IntegrityError:  # lost a race with an identical registration
            raise Conflict("Username or email already registered") from None
        response = JsonResponse({"id": user.pk, "username": user.username}, status=201)
        response["Location"] = reverse("user-detail", args=[user.username])
        return response


class UserDetail(APIView):
    def get(self, request: HttpRequest, username: str) -> HttpResponse:
        user = get_user_or_404(username)
        return JsonResponse(
            {"id": user.pk, "username": user.username, "post_count": user.posts.count()}
        )


class UserPosts(APIView):
    def get(self, request: HttpRequest, username: str) -> HttpResponse:
        validated(PageForm, request.GET.dict())  # a bad query is a 400 even for a stranger
        return page_of_posts(request, Post.objects.filter(author=get_user_or_404(username)))


class Tokens(APIView):
    def post(self, request: HttpRequest) -> HttpResponse:
        fields = validated(TokenForm, self.data)
        user = User.objects.filter(email=fields["email"]).first()
        if user is None or not user.check_password(fields["password"]):
            raise InvalidCredentials("Invalid email or password")
        return JsonResponse(issue_token(user))


class PostList(APIView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return page_of_posts(request, Post.objects.all())

    @bearer_required
    def post(self, request: HttpRequest) -> HttpResponse:
        fields = validated(PostForm, self.data)
        post = Post.objects.create(author=request.user, **fields)
        response = JsonResponse(post_json(post), status=201)
        response["Location"] = reverse("post-detail", args=[post.id])
        return response


class PostDetail(APIView):
    def get(self, request: HttpRequest, post_id: int) -> HttpResponse:
        return JsonResponse(post_json(get_post_or_404(post_id)))

    @bearer_required
    def patch(self, request: HttpRequest, post_id: int) -> HttpResponse:
        fields = validated(PostForm, self.data, partial=True)
        post = get_own_post(request, post_id)
        for name, value in fields.items():
            setattr(post, name, value)
        if fields:
            post.save(update_fields=list(fields))
        return JsonResponse(post_json(post))

    @bearer_required
    def delete(self, request: HttpRequest, post_id: int) -> HttpResponse:
        get_own_post(request, post_id).delete()
        return HttpResponse(status=204)
