"""POST /api/interactions is served by the JSON API (segments/api.py mounts interactions.api.router)."""

urlpatterns: list = []
