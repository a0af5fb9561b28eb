"""督办看板 pages; the project includes them with ``path("", include("reports.dashboards.urls"))``."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.overview, name="overview"),
    path("dashboard/documents/<int:pk>/", views.document, name="document"),
    path("dashboard/units/<int:pk>/", views.unit, name="unit"),
]
