"""TEMPORARY skeleton: the feeds helper replaces this module."""

from django.http import Http404


def city_feed(request, *args, **kwargs):
    raise Http404


def region_feed(request, *args, **kwargs):
    raise Http404


def my_feed(request, *args, **kwargs):
    raise Http404
