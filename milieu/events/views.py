"""TEMPORARY skeleton: the pages helper replaces this module."""

from django.http import Http404


def agenda(request, *args, **kwargs):
    raise Http404


def event_create(request, *args, **kwargs):
    raise Http404


def managed(request, *args, **kwargs):
    raise Http404


def event_detail(request, *args, **kwargs):
    raise Http404


def event_edit(request, *args, **kwargs):
    raise Http404


def event_publish(request, *args, **kwargs):
    raise Http404


def event_cancel(request, *args, **kwargs):
    raise Http404


def event_manage(request, *args, **kwargs):
    raise Http404


def register(request, *args, **kwargs):
    raise Http404


def occurrence_cancel(request, *args, **kwargs):
    raise Http404


def registration_cancel(request, *args, **kwargs):
    raise Http404


def check_in(request, *args, **kwargs):
    raise Http404


def check_in_ticket(request, *args, **kwargs):
    raise Http404


def attractions(request, *args, **kwargs):
    raise Http404


def attraction_create(request, *args, **kwargs):
    raise Http404


def attraction_detail(request, *args, **kwargs):
    raise Http404


def attraction_edit(request, *args, **kwargs):
    raise Http404


def region_agenda(request, *args, **kwargs):
    raise Http404


def region_attractions(request, *args, **kwargs):
    raise Http404


def my_registrations(request, *args, **kwargs):
    raise Http404


def calendar_rotate(request, *args, **kwargs):
    raise Http404
