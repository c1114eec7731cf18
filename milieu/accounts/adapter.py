from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """After login, take people to their own municipality, in their own language."""

    def get_login_redirect_url(self, request) -> str:
        user = request.user
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            return reverse("core:after_login")
