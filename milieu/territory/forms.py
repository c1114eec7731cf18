from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.core import modules

from .models import District, Municipality


class MunicipalitySettingsForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=[("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))],
        widget=forms.CheckboxSelectMultiple,
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Municipality
        fields = [
            "name",
            "brand_colour",
            "logo",
            "privacy_officer_name",
            "privacy_officer_email",
            "languages",
        ]
        widgets = {"brand_colour": forms.TextInput(attrs={"type": "color"})}


class ModulesForm(forms.Form):
    enabled = forms.MultipleChoiceField(
        label=_("Enabled modules"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enabled"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(m.key, m.name) for m in modules.all_modules()]


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["name", "latitude", "longitude", "area_km2"]
