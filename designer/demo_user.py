"""The demo sign-in of `make run`: created by `manage.py ensure_demo_user`, shown on the login page while it exists."""

from django.contrib.auth import get_user_model

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-segments"


def demo_user_exists() -> bool:
    return get_user_model().objects.filter(username=DEMO_USERNAME, is_active=True).exists()
