"""Forms of the volunteering pages. They check the shape of what was typed and hand the services
plain values (skills and districts by slug, times of the week by code); the services decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from milieu.accounts.models import TrustLevel

from . import availability
from .models import DAYS, PARTS_OF_DAY, MemberRole, OrganisationStatus, Skill
from .models.volunteering import LANGUAGES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TRUST_CHOICES = [
    (level.value, level.label)
    for level in (TrustLevel.MEMBER, TrustLevel.RESIDENT, TrustLevel.SCREENED)
]


def skill_choices(skills: list[Skill]) -> list[tuple[str, str]]:
    """The taxonomy in the reader's language (`Skill.name` follows the active language)."""
    return [(skill.slug, skill.name) for skill in skills]


def availability_choices() -> list[tuple[str, Any]]:
    return [
        (
            f"{day_code}-{part_code}",
            pgettext_lazy("time of the week", "%(day)s %(part)s")
            % {"day": DAYS[day], "part": PARTS_OF_DAY[part]},
        )
        for day, day_code in enumerate(availability.DAY_CODES)
        for part, part_code in enumerate(availability.PART_CODES)
    ]


class AvailabilityField(forms.MultipleChoiceField):
    """The 21 times of the week (`"mon-morning"` … `"sun-evening"`), drawn as a grid of seven
    days by three parts of the day (`volunteering/_availability.html`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=availability_choices, **kwargs)


def availability_grid(bound_field) -> list[tuple[Any, list[tuple[str, Any, bool]]]]:
    """The days with, for each part of the day, (code, accessible label, checked)."""
    value = bound_field.value() or []
    chosen = {value} if isinstance(value, str) else set(value)
    labels = dict(availability_choices())
    rows = []
    for day, day_code in enumerate(availability.DAY_CODES):
        cells = []
        for part_code in availability.PART_CODES:
            code = f"{day_code}-{part_code}"
            cells.append((code, labels[code], code in chosen))
        rows.append((DAYS[day], cells))
    return rows


def _dates(raw: str) -> list[str]:
    """Dates typed one per line or separated by commas, as ISO strings (checked by the service)."""
    return [part.strip() for part in raw.replace(",", "\n").splitlines() if part.strip()]


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=100, required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    remote = forms.ChoiceField(
        label=pgettext_lazy("opportunity filter", "Where"),
        required=False,
        choices=[
            ("", _("On site or remote")),
            ("no", _("On site")),
            ("yes", _("Remote")),
        ],
    )

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = {skill.slug: skill for skill in skills}
        self.fields["skill"].choices = [("", _("All skills")), *skill_choices(skills)]  # type: ignore[attr-defined]

    def clean_skill(self) -> Skill | None:
        return self.skills.get(self.cleaned_data.get("skill") or "")

    def clean_remote(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("remote") or "")

    def query(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        values = {
            "q": data.get("q") or "",
            "skill": data["skill"].slug if data.get("skill") else "",
            "remote": "" if data.get("remote") is None else ("yes" if data["remote"] else "no"),
        }
        return {key: value for key, value in values.items() if value}


class ApplyForm(forms.Form):
    message = forms.CharField(
        label=_("A word to the organisation (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProfileForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("My skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_skills = forms.CharField(
        label=_("Other skills"),
        max_length=300,
        required=False,
        help_text=_("What the list does not name, in a few words."),
    )
    interests = forms.CharField(label=_("Causes I care about"), max_length=300, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = AvailabilityField(label=_("When I am usually free"))
    one_off_dates = forms.CharField(
        label=_("Other days I am free"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One date per line, as YYYY-MM-DD."),
    )
    suggestible = forms.BooleanField(
        label=_("Suggest me to organisations"),
        required=False,
        help_text=_(
            "Verified organisations looking for your skills see your display name, skills and "
            "free times, never your address or email. Off until you tick it."
        ),
    )

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices(skills)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["one_off_dates"] = _dates(data.get("one_off_dates") or "")
        return data

    @staticmethod
    def initial_for(profile) -> dict[str, Any]:
        if profile is None:
            return {}
        return {
            "skills": [skill.slug for skill in profile.skills.all()],
            "other_skills": profile.other_skills,
            "interests": profile.interests,
            "languages": profile.languages,
            "availability": availability.to_codes(profile.weekly_slots),
            "one_off_dates": "\n".join(profile.one_off_dates or []),
            "suggestible": profile.suggestible,
        }


class HoursForm(forms.Form):
    worked_on = forms.DateField(label=pgettext_lazy("hours worked on", "Day"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.25,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"worked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the volunteer (optional)"), max_length=500, required=False
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    mission = forms.CharField(
        label=_("Mission"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    services = forms.CharField(
        label=_("Services offered"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(label=_("Contact email"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    serves = forms.MultipleChoiceField(
        label=_("Also serves"),
        help_text=_("Other municipalities of the region where it works (remote opportunities)."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, home, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from milieu.territory.models import Municipality

        neighbours = Municipality.objects.filter(region_id=home.region_id).exclude(pk=home.pk)
        choices = [(m.slug, m.name) for m in neighbours.order_by("name")]
        if choices:
            serves = self.fields["serves"]
            assert isinstance(serves, forms.MultipleChoiceField)
            serves.choices = choices
        else:
            del self.fields["serves"]

    @staticmethod
    def initial_for(organisation) -> dict[str, Any]:
        initial = {
            name: getattr(organisation, name)
            for name in ("name", "mission", "services", "email", "phone", "website", "languages")
        }
        initial["serves"] = [m.slug for m in organisation.serves.all()]
        return initial


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email of their account"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills wanted"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_skills = forms.CharField(label=_("Other skills wanted"), max_length=300, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = AvailabilityField(label=_("Times of the week"))
    one_off_on = forms.DateField(label=_("Or on a single day"), required=False, widget=DATE)
    schedule_note = forms.CharField(label=_("Schedule"), max_length=300, required=False)
    remote = forms.BooleanField(label=_("Can be done remotely"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("A public place (a community centre, a park); never a home address."),
    )
    places = forms.IntegerField(label=_("Volunteers wanted"), min_value=1, max_value=500)
    required_trust = forms.TypedChoiceField(
        label=_("Trust level required"), coerce=int, choices=TRUST_CHOICES
    )
    ends_on = forms.DateField(label=_("End date"), widget=DATE)

    def __init__(self, *args, skills: list[Skill], districts: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices(skills)  # type: ignore[attr-defined]
        self.fields["district"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole municipality")),
            *((district.slug, district.name) for district in districts),
        ]
        self.fields["required_trust"].help_text = _(
            "Work with children or vulnerable people asks for a background check."
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["district"] = data.get("district") or None
        return data

    @staticmethod
    def initial_for(opportunity) -> dict[str, Any]:
        return {
            "title": opportunity.title,
            "description": opportunity.description,
            "skills": [skill.slug for skill in opportunity.skills.all()],
            "other_skills": opportunity.other_skills,
            "languages": opportunity.languages,
            "availability": availability.to_codes(opportunity.weekly_slots),
            "one_off_on": opportunity.one_off_on,
            "schedule_note": opportunity.schedule_note,
            "remote": opportunity.remote,
            "district": opportunity.district.slug if opportunity.district else "",
            "place": opportunity.place,
            "places": opportunity.places,
            "required_trust": opportunity.required_trust,
            "ends_on": opportunity.ends_on,
        }


class OrganisationStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (OrganisationStatus.VERIFIED, _("Verify")),
            (OrganisationStatus.SUSPENDED, _("Suspend")),
        ],
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class OrganisationQueueForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *OrganisationStatus.choices],
    )
