from django import forms
from django.utils.translation import gettext_lazy as _

from milieu.territory.models import District, Municipality

from .models import MUNICIPAL_ROLES, User


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"))
    profile_visibility = forms.ChoiceField(
        label=_("Who can see my profile"), choices=User.Visibility.choices
    )
    home_municipality = forms.ModelChoiceField(
        label=_("Home municipality"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )
    home_district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        ),
        required=False,
        help_text=_("Optional. Only its name is shown, never your address."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        language = self.fields["preferred_language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = list(settings.LANGUAGES)
        # Group districts by municipality so the list is usable without JavaScript.
        district_field = self.fields["home_district"]
        assert isinstance(district_field, forms.ModelChoiceField)
        groups: dict[str, list[tuple[int, str]]] = {}
        for district in District.objects.select_related("municipality").order_by(
            "municipality__name", "name"
        ):
            groups.setdefault(district.municipality.name, []).append((district.pk, district.name))
        district_field.choices = [("", "—"), *groups.items()]


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the account"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, role.label) for role in MUNICIPAL_ROLES]
    )
