"""The project incubator's pages (included by `urls.py`, namespace `volunteering`), under
/<lang>/<municipality_slug>/volunteering/ideas/."""

from django.urls import path

from . import views_ideas as views

urlpatterns: list = [
    path("ideas/", views.ideas, name="ideas"),
    path("ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/mine/", views.my_ideas, name="my_ideas"),
    path("ideas/<int:idea_id>/", views.idea, name="idea"),
    path("ideas/<int:idea_id>/edit/", views.idea_edit, name="idea_edit"),
    path("ideas/<int:idea_id>/publish/", views.idea_publish, name="idea_publish"),
    path("ideas/<int:idea_id>/support/", views.idea_support, name="idea_support"),
    path("ideas/<int:idea_id>/unsupport/", views.idea_unsupport, name="idea_unsupport"),
    path("ideas/<int:idea_id>/help/", views.idea_help, name="idea_help"),
    path("ideas/<int:idea_id>/help/withdraw/", views.idea_help_withdraw, name="idea_help_withdraw"),
    path("ideas/<int:idea_id>/partners/", views.idea_partner, name="idea_partner"),
    path(
        "ideas/<int:idea_id>/partners/<int:offer_id>/",
        views.idea_partner_decision,
        name="idea_partner_decision",
    ),
    path("ideas/<int:idea_id>/state/", views.idea_state, name="idea_state"),
    path("ideas/<int:idea_id>/adoption/", views.idea_adopt, name="idea_adopt"),
    path("ideas/<int:idea_id>/adoption/withdraw/", views.idea_unadopt, name="idea_unadopt"),
]
