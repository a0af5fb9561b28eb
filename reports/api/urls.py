"""Evaluation API routes; included by the project under ``api/v1/``."""

from django.urls import path

from . import exports, views

urlpatterns = [
    path("periods/", views.PeriodListView.as_view(), name="period-list"),
    path("periods/<str:code>/rollup/", views.PeriodRollupView.as_view(), name="period-rollup"),
    path("periods/<str:code>/publish/", views.PeriodPublishView.as_view(), name="period-publish"),
    path(
        "periods/<str:code>/unpublish/",
        views.PeriodUnpublishView.as_view(),
        name="period-unpublish",
    ),
    path(
        "periods/<str:code>/snapshots/",
        views.PeriodSnapshotsView.as_view(),
        name="period-snapshots",
    ),
    path(
        "periods/<str:code>/bulletin.docx",
        exports.PeriodBulletinView.as_view(),
        name="period-bulletin",
    ),
    path(
        "periods/<str:code>/snapshots.xlsx",
        exports.PeriodSnapshotsXlsxView.as_view(),
        name="period-snapshots-xlsx",
    ),
    path("snapshots/<int:pk>/appeals/", views.SnapshotAppealView.as_view(), name="snapshot-appeal"),
    path("appeals/", views.AppealListView.as_view(), name="appeal-list"),
    path("appeals/<int:pk>/decide/", views.AppealDecideView.as_view(), name="appeal-decide"),
]
