"""URL configuration: pages, the REST API under /api/v1/, OpenAPI, the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api.views import ObtainAuthTokenView, UnitViewSet
from accounts.views import LoginView, PasswordChangeDoneView, PasswordChangeView
from clauses.api.views import PolicyDocumentViewSet
from reports.api import document_exports
from tracker.api.views import (
    AssignmentViewSet,
    AuditEventViewSet,
    ExtensionRequestViewSet,
    NotificationViewSet,
    ReportViewSet,
    TaskViewSet,
)
from tracker.views import healthz

router = DefaultRouter()
router.register("documents", PolicyDocumentViewSet, basename="document")
router.register("tasks", TaskViewSet, basename="task")
router.register("units", UnitViewSet, basename="unit")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("reports", ReportViewSet, basename="report")
router.register("extension-requests", ExtensionRequestViewSet, basename="extension-request")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    path("", include("clauses.urls")),
    path("", include("tracker.page_urls")),
    path("", include("reports.urls")),
    path("", include("reports.dashboards.urls")),
    path("healthz/", healthz, name="healthz"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", ObtainAuthTokenView.as_view(), name="api-token"),
    # Files of a document or a unit, before the router so a future action cannot shadow them.
    path(
        "api/v1/documents/<int:pk>/breakdown.xlsx",
        document_exports.DocumentBreakdownXlsxView.as_view(),
        name="document-breakdown-xlsx",
    ),
    path(
        "api/v1/documents/<int:pk>/progress.docx",
        document_exports.DocumentProgressDocxView.as_view(),
        name="document-progress-docx",
    ),
    path(
        "api/v1/units/<int:pk>/progress.docx",
        document_exports.UnitProgressDocxView.as_view(),
        name="unit-progress-docx",
    ),
    path("api/v1/", include(router.urls)),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include("reports.dashboards.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

handler404 = "tracker.views.page_not_found"
handler500 = "tracker.db_errors.server_error"  # 503 while the database is away
