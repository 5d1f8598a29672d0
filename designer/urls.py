from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from .api.site import api
from .ops import health, metrics
from .views import accounts, editor, members, segments

urlpatterns = [
    path("", segments.segment_list, name="segment-list"),
    path("data/", segments.data_overview, name="overview"),
    path("segments/new/", editor.segment_new, name="segment-new"),
    path("segments/import/", segments.segment_import, name="segment-import"),
    path("segments/estimate/", editor.segment_estimate, name="segment-estimate"),
    path("segments/explain/", editor.segment_explain, name="segment-explain"),
    path("segments/lookup/<str:record>/", editor.record_lookup, name="record-lookup"),
    path("segments/<int:pk>/", editor.segment_detail, name="segment-detail"),
    path("segments/<int:pk>/status/", editor.segment_status, name="segment-status"),
    path("segments/<int:pk>/members/", members.segment_members, name="segment-members"),
    path("segments/<int:pk>/members.csv", members.segment_members_csv, name="segment-members-csv"),
    path("segments/<int:pk>/history/", members.segment_history, name="segment-history"),
    path("accounts/login/", accounts.sign_in, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),  # the JSON API; schema at /api/openapi.json, docs at /api/docs
    path("healthz", health.healthz, name="healthz"),  # probes: no sign-in, no configuration shown
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
