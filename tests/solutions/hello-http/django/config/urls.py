"""Which view answers which path. The paths have no trailing slash: /health, not /health/."""

from django.urls import path

from hello import views

urlpatterns = [
    path("", views.index),
    path("health", views.health),
    path("echo", views.echo),
    path("headers", views.headers),
    path("greeting", views.greeting),
]

handler404 = "hello.views.not_found"
