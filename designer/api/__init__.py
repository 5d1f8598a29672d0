"""The JSON API under /api/ (django-ninja); `site.api` is the API itself, mounted by designer/urls.py."""
