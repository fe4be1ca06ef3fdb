"""Which view answers which path. The paths have no trailing slash: /posts, not /posts/."""

from django.urls import path

from posts import views

urlpatterns = [
    path("health", views.health),
    path("posts", views.post_list),
    path("posts/<int:post_id>", views.post_detail),  # <int:...> matches digits only
]

# TODO: Django answers unknown paths (and /posts/hello, which <int:...> does not
# match) with an HTML page. Make every error JSON: name a view of yours for each
# status, like handler404 = "posts.views.not_found" (Django calls it as
# not_found(request, exception)); look up handler400, handler404 and handler500.
