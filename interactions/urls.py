from django.urls import path

from . import api

urlpatterns = [
    path("api/interactions", api.ingest_interactions, name="api-interactions"),
]
