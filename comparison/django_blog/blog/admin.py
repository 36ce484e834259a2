"""The free admin panel: users and posts at /admin/."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from blog.models import Post
from blog.models import User

admin.site.register(User, UserAdmin)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "created_at"
    raw_id_fields = ["author"]
