"""URL routes: the JSON API under /api/v1/ and the operators' pages."""

from django.urls import path

from prep.api import api

urlpatterns = [
    path("api/v1/", api.urls),
]
