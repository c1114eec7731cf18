"""The open-data page: the catalogue as HTML, for everyone, filtered to one town on demand."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from milieu.core.errors import NotFound
from milieu.core.http import MilieuRequest
from milieu.core.smallnumbers import THRESHOLD

from . import datasets
from .api_opendata import municipality_of


def municipality_choices():
    """The municipalities of the filter, by region (one query)."""
    from milieu.territory.models import Municipality

    return (
        Municipality.objects.select_related("region")
        .only("slug", "name", "region__slug", "region__name")
        .order_by("region__name", "name")
    )


@require_GET
def catalogue(request: MilieuRequest) -> HttpResponse:
    try:
        town = municipality_of(request.GET.get("municipality"))
    except NotFound as error:
        raise Http404(str(error)) from None
    entries = [
        {
            "dataset": dataset,
            "distributions": [
                {
                    "format": datasets.FORMATS[fmt],
                    "url": datasets.download_path(dataset, fmt, town),
                }
                for fmt in dataset.formats
            ],
        }
        for dataset in datasets.all_datasets()
    ]
    catalog_url = reverse("api:opendata_catalog")
    if town is not None:
        catalog_url += "?" + urlencode({"municipality": town.slug})
    return render(
        request,
        "insights/opendata_catalogue.html",
        {
            "entries": entries,
            "municipality": town,
            "municipalities": municipality_choices(),
            "catalog_url": catalog_url,
            "threshold": THRESHOLD,
        },
    )
