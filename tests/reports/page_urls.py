"""Test-only routes: the project's plus the evaluation pages (until the lead includes them)."""

from django.urls import include, path

from tracker.urls import urlpatterns as project

urlpatterns = [path("", include("reports.urls")), *project]
