"""The notification centre and the preference pages (being written)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from milieu.core.http import AuthenticatedRequest


@login_required
def centre(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "notifications/centre.html", {})


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "notifications/preferences.html", {})
