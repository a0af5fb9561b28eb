"""The project's routes plus the evaluation API (until the lead includes reports.api.urls)."""

from django.urls import include, path

from tracker.urls import urlpatterns as project

urlpatterns = [path("api/v1/", include("reports.api.urls")), *project]
