"""One-click unsubscribe from an email (RFC 8058): outside the language prefix, no login."""

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from milieu.core.errors import NotFound

from . import registry, services
from .channels import read_unsubscribe_token


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (link scanners must not unsubscribe anyone); POST, from
    that button or from the mail client's one-click header, unsubscribes. A digest's token names
    every topic it gathered."""
    try:
        data = read_unsubscribe_token(token)
        keys = data["t"] if isinstance(data["t"], list) else [data["t"]]
        topics = [registry.topic(key) for key in keys]
        registry.channel(data["c"])
        if not topics:
            raise KeyError("no topic")
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    from milieu.accounts.models import User

    user = User.objects.filter(pk=data["u"]).first()
    language = user.preferred_language if user else None
    with translation.override(language):
        names = ", ".join(str(topic.name) for topic in topics)
        context = {"topic_names": names, "done": False}
        if request.method == "POST":
            try:
                with transaction.atomic():
                    for topic in topics:
                        services.unsubscribe(user_id=data["u"], topic=topic.key, channel=data["c"])
            except NotFound:
                return render(
                    request, "notifications/unsubscribe.html", {"invalid": True}, status=400
                )
            context["done"] = True
        return render(request, "notifications/unsubscribe.html", context)
