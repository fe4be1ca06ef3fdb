"""Which view answers which path. The paths have no trailing slash: /posts, not /posts/."""

from django.urls import path

from posts import views

urlpatterns = [
    path("posts", views.post_list),
    path("posts/<int:post_id>", views.post_detail),  # <int:...> matches digits only
]

# The views that answer errors, as JSON instead of Django's HTML pages (used while
# DEBUG is off): a BadRequest raised in a view, an Http404 or a path no route
# matches, a crash.
handler400 = "posts.views.bad_request"
handler404 = "posts.views.not_found"
handler500 = "posts.views.server_error"
