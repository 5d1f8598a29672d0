"""The admin console's site: for Administrators (staff in the Administrators group) and superusers only.

Installed as Django's default site by ConsoleConfig (apps.py, in INSTALLED_APPS), so `admin.site` and
`@admin.register` are this site everywhere. The model admins live beside it in this package; designer/admin.py,
which the admin's autodiscovery imports, registers them.
"""

from django.contrib import admin

from segments.roles import can_administer


class ConsoleSite(admin.AdminSite):
    site_header = "Segment Designer administration"
    site_title = "Segment Designer admin"
    index_title = "Segments, contacts and interactions"
    site_url = "/"

    def has_permission(self, request) -> bool:
        return bool(request.user.is_active and can_administer(request.user))
