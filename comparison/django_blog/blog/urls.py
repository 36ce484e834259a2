from django.urls import path

from blog import views

urlpatterns = [
    path("health", views.Health.as_view()),
    path("users", views.UserList.as_view()),
    path("users/<str:username>", views.UserDetail.as_view(), name="user-detail"),
    path("users/<str:username>/posts", views.UserPosts.as_view()),
    path("tokens", views.Tokens.as_view()),
    path("posts", views.PostList.as_view()),
    path("posts/<int:post_id>", views.PostDetail.as_view(), name="post-detail"),
]
