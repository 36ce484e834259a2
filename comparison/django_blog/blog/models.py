"""Users (Django's own, with a unique email) and posts."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    email = models.EmailField(unique=True, max_length=254)


class Post(models.Model):
    title = models.CharField(max_length=120)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # The composite index below leads with author, so the FK needs no index of its own.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", db_index=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="blog_post_created_at_id"),
            models.Index(fields=["author", "created_at", "id"], name="blog_post_author_created"),
        ]

    def __str__(self) -> str:
        return self.title
