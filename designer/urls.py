from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .api.site import api

urlpatterns = [
    path("", views.segment_list, name="segment-list"),
    path("data/", views.data_overview, name="overview"),
    path("segments/new/", views.segment_new, name="segment-new"),
    path("segments/import/", views.segment_import, name="segment-import"),
    path("segments/estimate/", views.segment_estimate, name="segment-estimate"),
    path("segments/explain/", views.segment_explain, name="segment-explain"),
    path("segments/lookup/<str:record>/", views.record_lookup, name="record-lookup"),
    path("segments/<int:pk>/", views.segment_detail, name="segment-detail"),
    path("segments/<int:pk>/status/", views.segment_status, name="segment-status"),
    path("segments/<int:pk>/members/", views.segment_members, name="segment-members"),
    path("segments/<int:pk>/members.csv", views.segment_members_csv, name="segment-members-csv"),
    path("segments/<int:pk>/history/", views.segment_history, name="segment-history"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),  # the JSON API; schema at /api/openapi.json, docs at /api/docs
]
