"""Evaluation pages; the project includes them with ``path("", include("reports.urls"))``."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("evaluation/", views.period_list, name="period-list"),
    path("evaluation/compute/", views.period_compute, name="period-compute"),
    path("evaluation/<int:pk>/", views.period_detail, name="period-detail"),
    path("evaluation/<int:pk>/publish/", views.period_publish, name="period-publish"),
    path("evaluation/<int:pk>/unpublish/", views.period_unpublish, name="period-unpublish"),
    path("evaluation/snapshots/<int:pk>/appeal/", views.snapshot_appeal, name="snapshot-appeal"),
    path("evaluation/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
    path("evaluation/appeals/<int:pk>/evidence/", views.appeal_evidence, name="appeal-evidence"),
]
