"""The staff pages of residency verification, under /<lang>/<municipality>/staff/identity/."""

from django.urls import path

from .views import staff_identity as views

app_name = "accounts_staff_identity"
urlpatterns = [
    path("", views.index, name="index"),
    path("registry/", views.registry, name="registry"),
    path("letters/", views.letters, name="letters"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:verification_id>/", views.document, name="document"),
    path("documents/<int:verification_id>/file/", views.document_file, name="document_file"),
    path("counter/", views.counter, name="counter"),
    path("counter/accounts/<int:user_id>/", views.assisted_account, name="assisted_account"),
    path("decisions/", views.decisions, name="decisions"),
    path(
        "decisions/<int:verification_id>/revoke/",
        views.verification_revoke,
        name="verification_revoke",
    ),
]
