"""URLs: the admin Django gives for free, and the API."""

from django.contrib import admin
from django.urls import include
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("blog.urls")),
]

handler400 = "blog.errors.bad_request"
handler403 = "blog.errors.permission_denied"
handler404 = "blog.errors.not_found"
handler500 = "blog.errors.server_error"
