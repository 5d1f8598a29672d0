from django.contrib.admin.apps import AdminConfig


class ConsoleConfig(AdminConfig):
    """Django's admin app with the console's site as `admin.site` (a dotted path: loaded once apps are ready)."""

    default_site = "designer.console.site.ConsoleSite"
