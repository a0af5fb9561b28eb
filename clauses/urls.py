from django.urls import path

from . import views

app_name = "clauses"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("documents/upload/", views.upload, name="upload"),
    path("documents/upload/<str:token>/confirm/", views.confirm, name="confirm"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
]
