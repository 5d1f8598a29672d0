"""Signing in: Django's login page, which tells how to sign in to the demo while its user exists."""

from django.contrib.auth import views as auth_views

from designer.demo_user import DEMO_PASSWORD, DEMO_USERNAME, demo_user_exists


def sign_in(request):
    demo = {"username": DEMO_USERNAME, "password": DEMO_PASSWORD} if demo_user_exists() else None
    return auth_views.LoginView.as_view(extra_context={"demo": demo})(request)
