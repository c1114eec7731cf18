"""Private conversations, under /<lang>/messages/."""

from django.urls import path

from .views import messages as views

app_name = "messages"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/leave/", views.leave, name="leave"),
]
