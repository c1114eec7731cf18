from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation

from milieu.core.tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """After login, take people to their own municipality, in their own language."""
        user = request.user
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            return reverse("core:after_login")

    def save_user(self, request, user, form, commit=True):
        """A new account speaks the language of the page it was created on: someone who signs
        up on /en/ gets English pages, emails and notifications from the start."""
        language = translation.get_language()
        if language in {code for code, _name in settings.LANGUAGES}:
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the email now (in the request's language) and send it from the task worker."""
        request = allauth_context.request
        site = SimpleNamespace(name=settings.SITE_NAME, domain=get_current_site(request).domain)
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(context)
        enqueue_email(self.render_mail(template_prefix, email, ctx))
