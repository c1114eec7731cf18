"""Open311 GeoReport v2 at `/open311/v2/` (namespace `open311`): every resource in JSON and
XML (`.json`, `.xml`)."""

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[-\w]{1,60})" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.request_list, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/.]{1,40})" + FORMAT, views.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[-\w]{1,40})" + FORMAT, views.token_detail, name="token"),
]
