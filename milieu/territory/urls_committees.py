"""Inter-municipal committees pages under `/<lang>/regions/<region>/committees/` (namespace
`committees`)."""

from django.urls import path

from . import views_committees as views

app_name = "committees"

MOTION = "<slug:slug>/motions/<int:number>/"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("new/", views.committee_create, name="create"),
    path("<slug:slug>/", views.committee_detail, name="detail"),
    path("<slug:slug>/seats/", views.seat_assign, name="seat_assign"),
    path("<slug:slug>/seats/<int:seat_id>/end/", views.seat_end, name="seat_end"),
    path("<slug:slug>/motions/new/", views.motion_create, name="motion_create"),
    path(MOTION, views.motion_detail, name="motion"),
    path(MOTION + "vote/", views.motion_vote, name="vote"),
    path(MOTION + "close/", views.motion_close, name="close"),
    path(MOTION + "weighted/", views.motion_call_weighted, name="weighted"),
    path(MOTION + "withdraw/", views.motion_withdraw, name="withdraw"),
]
