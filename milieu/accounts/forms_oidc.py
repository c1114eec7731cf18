from django import forms
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm


class ConsentForm(AllowForm):
    """django-oauth-toolkit's consent form, plus the citizen's own choice about residency.

    Residency (home municipality, verified-resident status) is shared only when this box is
    ticked; it is never ticked in advance.
    """

    share_residency = forms.BooleanField(
        label=_("Share my home municipality and whether I am a verified resident"),
        required=False,
        initial=False,
    )
