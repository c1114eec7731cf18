"""Pages of the proposals part (namespace `participation`)."""

from django.urls import path

from . import views_proposals as views

urlpatterns: list = [
    path(
        "<int:consultation_id>/proposals/",
        views.proposal_list,
        name="proposal_list",
    ),
    path(
        "<int:consultation_id>/proposals/new/",
        views.proposal_create,
        name="proposal_create",
    ),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:proposal_id>/withdraw/", views.withdraw, name="proposal_withdraw"),
    path("proposals/<int:proposal_id>/support/", views.support, name="proposal_support"),
    path("proposals/<int:proposal_id>/unsupport/", views.unsupport, name="proposal_unsupport"),
]
