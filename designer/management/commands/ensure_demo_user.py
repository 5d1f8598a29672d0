"""Creates the demo sign-in of `make run` when no user exists yet, and prints it."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from designer.demo_user import DEMO_PASSWORD, DEMO_USERNAME


class Command(BaseCommand):
    help = "Create a demo superuser (demo / demo-segments) if the database has no users, and print the sign-in."

    def handle(self, *args, **options):
        users = get_user_model().objects
        if not users.exists():
            users.create_superuser(DEMO_USERNAME, "demo@example.com", DEMO_PASSWORD)
            self.stdout.write(f"Created the demo sign-in: user '{DEMO_USERNAME}', password '{DEMO_PASSWORD}'.")
        elif users.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"Sign in as '{DEMO_USERNAME}' with password '{DEMO_PASSWORD}' (unless you changed it).")
        else:
            self.stdout.write("Users exist already; no demo sign-in was created.")
