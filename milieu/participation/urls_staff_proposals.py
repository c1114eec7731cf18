"""Staff pages of the proposals part (namespace `participation_staff`)."""

from django.urls import path

from . import views_staff_proposals as views

urlpatterns: list = [
    path("proposals/", views.queue, name="proposals"),
    path("proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("proposals/<int:proposal_id>/hide/", views.hide, name="proposal_hide"),
    path("proposals/<int:proposal_id>/unhide/", views.unhide, name="proposal_unhide"),
]
