from django import forms
from django.utils.translation import gettext_lazy as _


class BackgroundCheckForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person"))
    kind = forms.CharField(
        label=_("Type of check"),
        max_length=100,
        help_text=_("For example: police check for work with children. Keep no document."),
    )
    checked_on = forms.DateField(
        label=_("Date of the check"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
