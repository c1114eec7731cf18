"""The problem-report forms: filing a report (its category with the category's extra questions,
the description, photos, the point) and the staff's forms (the queue's filters, a status, a
department, a note, a category, a department, an Open311 key).

Forms only read and check what was typed; every write is a service's (`services.py`), whose
refusals are put back on the form's fields (`core.http.form_error`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from milieu.core.pictures import PictureFields

from .models import Department, ReportStatus, ServiceCategory

MAX_REPORT_PHOTOS = 3
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def attribute_field_name(category: ServiceCategory, code: str) -> str:
    return f"attr-{category.code}-{code}"


def attribute_field(attribute: dict[str, Any]) -> forms.Field:
    """A form field for one Open311 attribute of a category (its `description` is the label;
    `required` is checked only when its category is chosen, by `ReportForm.clean`)."""
    label = attribute.get("description") or attribute.get("code") or ""
    help_text = attribute.get("datatype_description") or ""
    datatype = attribute.get("datatype") or "string"
    choices = [
        (str(v.get("key", "")), v.get("name") or v.get("key"))
        for v in attribute.get("values") or []
    ]
    options: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    if datatype == "singlevaluelist":
        return forms.ChoiceField(choices=[("", "—"), *choices], **options)
    if datatype == "multivaluelist":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )
    if datatype == "number":
        return forms.DecimalField(**options)
    if datatype == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **options
        )
    if datatype == "text":
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **options)
    return forms.CharField(max_length=300, **options)


def _coordinate(value: Any, low: float, high: float) -> float | None:
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


class ReportForm(PictureFields, forms.Form):
    """A new report: what (a category of the municipality and its extra questions), the
    description, up to three photos, and where (the latitude and longitude typed, or the
    position the browser gave, `lat`/`lng`, when the person pressed "Use my location"; and the
    street address, optional)."""

    category = forms.ChoiceField(label=_("What kind of problem?"))
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, and anything that helps find it (in front of number 12…)."),
    )
    latitude = forms.CharField(
        label=_("Latitude"),
        required=False,
        max_length=30,
        help_text=_("As your map application gives it, e.g. 45.4584."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        required=False,
        max_length=30,
        help_text=_("E.g. -73.4658."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("The nearest street address or a landmark (optional)."),
    )

    def __init__(self, *args, categories: Sequence[ServiceCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_picture_fields(MAX_REPORT_PHOTOS)
        self.categories = {category.code: category for category in categories}
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", gettext("Choose a category")),
            *((c.code, c.translated("name")) for c in categories),
        ]
        self.attribute_names: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for category in categories:
            names = []
            attributes = sorted(
                (a for a in category.attributes or [] if isinstance(a, dict)),
                key=lambda a: a.get("order") or 0,
            )
            for attribute in attributes:
                if attribute.get("variable") is False or not attribute.get("code"):
                    continue
                name = attribute_field_name(category, str(attribute["code"]))
                self.fields[name] = attribute_field(attribute)
                names.append((name, attribute))
            if names:
                self.attribute_names[category.code] = names

    def attribute_groups(self) -> list[tuple[ServiceCategory, list[forms.BoundField]]]:
        """Each category's extra questions, to show under its name."""
        return [
            (self.categories[code], [self[name] for name, _attribute in names])
            for code, names in self.attribute_names.items()
        ]

    def service_fields(self) -> dict[str, str]:
        """The services' names of the chosen category's questions (`attributes.<code>`), with
        the form's field for each, to show a refusal on the right field."""
        code = self.cleaned_data.get("category") or ""
        return {
            f"attributes.{attribute.get('code')}": name
            for name, attribute in self.attribute_names.get(code, [])
        }

    def point(self) -> tuple[float | None, float | None]:
        """The point typed, else the one the browser gave, as numbers (None where missing)."""
        data = self.cleaned_data
        latitude = data.get("latitude") or data.get("lat") or ""
        longitude = data.get("longitude") or data.get("lng") or ""
        return _coordinate(latitude, -90, 90), _coordinate(longitude, -180, 180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed_lat, typed_lng = data.get("latitude"), data.get("longitude")
        if typed_lat and _coordinate(typed_lat, -90, 90) is None:
            self.add_error("latitude", gettext("Give a latitude between -90 and 90, e.g. 45.4584."))
        if typed_lng and _coordinate(typed_lng, -180, 180) is None:
            self.add_error(
                "longitude", gettext("Give a longitude between -180 and 180, e.g. -73.4658.")
            )
        if "latitude" not in self.errors and "longitude" not in self.errors:
            latitude, longitude = self.point()
            if latitude is None or longitude is None:
                self.add_error(
                    "latitude",
                    gettext(
                        "Say where the problem is: press “Use my location” where you are, or "
                        "type its latitude and longitude."
                    ),
                )
        code = data.get("category") or ""
        if code and code not in self.categories:
            self.add_error("category", gettext("Choose a category."))
        for name, attribute in self.attribute_names.get(code, []):
            value = data.get(name)
            if attribute.get("required") and value in (None, "", []):
                self.add_error(name, gettext("Answer this question."))
        return data

    def nearby_ready(self) -> bool:
        """Whether a category and a point are known (to look for similar reports)."""
        return bool(self.cleaned_data.get("category") in self.categories) and None not in (
            self.point()
        )

    def attributes(self) -> dict[str, Any]:
        """The answers to the chosen category's questions, by attribute code."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for name, attribute in self.attribute_names.get(data.get("category") or "", []):
            value = data.get(name)
            if value in (None, "", []):
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif not isinstance(value, str | list):
                value = str(value)
            answers[str(attribute.get("code") or name)] = value
        return answers

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        latitude, longitude = self.point()
        return {
            "category": data["category"],
            "description": data["description"],
            "latitude": latitude,
            "longitude": longitude,
            "address": data.get("address") or "",
            "attributes": self.attributes(),
        }


class NearbyForm(forms.Form):
    """What the "similar open reports nearby" request reads from the form as typed so far."""

    category = forms.CharField(required=False)
    latitude = forms.CharField(required=False)
    longitude = forms.CharField(required=False)
    lat = forms.CharField(required=False)
    lng = forms.CharField(required=False)

    def search(self) -> tuple[str, float, float] | None:
        if not self.is_valid():
            return None
        data = self.cleaned_data
        latitude = _coordinate(data.get("latitude") or data.get("lat") or "", -90, 90)
        longitude = _coordinate(data.get("longitude") or data.get("lng") or "", -180, 180)
        if not data.get("category") or latitude is None or longitude is None:
            return None
        return data["category"], latitude, longitude


# --- Staff --------------------------------------------------------------------------------------


def _department_choices(departments: Sequence[Department], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(d.pk), d.name) for d in departments)]


class QueueFilterForm(forms.Form):
    """The staff queue's filters (empty: every open report)."""

    OPEN = "open_all"
    ALL = "all"

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args, categories: Sequence[ServiceCategory], departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (self.OPEN, pgettext_lazy("report statuses", "Every open one")),
            (self.ALL, pgettext_lazy("report statuses", "All")),
            *ReportStatus.choices,
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", pgettext_lazy("report categories", "All")),
            *((c.code, c.translated("name")) for c in categories),
        ]
        self.fields["department"].choices = _department_choices(  # type: ignore[attr-defined]
            departments, gettext("All")
        )

    def chosen(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or self.OPEN,
            "category": data.get("category") or "",
            "department": data.get("department") or "",
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReportStatus.choices)
    duplicate_of = forms.IntegerField(
        label=_("Duplicate of report number"),
        required=False,
        min_value=1,
        help_text=_("Only for “Duplicate”: the number of the report it repeats."),
    )
    note = forms.CharField(
        label=_("Note to the reporter and the public"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ReportStatus.DUPLICATE and not data.get("duplicate_of"):
            self.add_error("duplicate_of", gettext("Give the number of the original report."))
        return data


class AssignForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))

    def __init__(self, *args, departments: Sequence[Department], **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {str(d.pk): d for d in departments}
        self.fields["department"].choices = _department_choices(  # type: ignore[attr-defined]
            departments, gettext("Choose a department")
        )

    def chosen_department(self) -> Department:
        return self.departments[self.cleaned_data["department"]]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = forms.BooleanField(
        label=_("Internal note (staff only): the reporter does not see it"), required=False
    )


class CategoryForm(forms.Form):
    code = forms.SlugField(
        label=_("Service code"),
        max_length=60,
        help_text=_("Letters, digits and hyphens; Open311 clients file reports with it."),
    )
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=120, required=False)
    description_fr = forms.CharField(
        label=_("Description (French)"), max_length=500, required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), max_length=500, required=False
    )
    description_es = forms.CharField(
        label=_("Description (Spanish)"), max_length=500, required=False
    )
    group = forms.CharField(label=_("Group"), max_length=120, required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False)
    department = forms.ChoiceField(label=_("Department by default"), required=False)
    attributes = forms.CharField(
        label=_("Extra questions (Open311 attributes, JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            'A list such as [{"code": "size", "datatype": "string", "description": "How big?", '
            '"required": false}] (optional).'
        ),
    )
    active = forms.BooleanField(label=_("Offered to residents"), required=False, initial=True)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, departments: Sequence[Department], **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {str(d.pk): d for d in departments}
        self.fields["department"].choices = _department_choices(  # type: ignore[attr-defined]
            departments, gettext("None")
        )

    @staticmethod
    def initial_for(category: ServiceCategory) -> dict[str, Any]:
        names = ("code", "group", "keywords", "active", "position")
        initial = {name: getattr(category, name) for name in names}
        for code in ("fr", "en", "es"):
            initial[f"name_{code}"] = getattr(category, f"name_{code}")
            initial[f"description_{code}"] = getattr(category, f"description_{code}")
        initial["department"] = str(category.department_id or "")
        initial["attributes"] = (
            json.dumps(category.attributes, ensure_ascii=False) if category.attributes else ""
        )
        return initial

    def clean_attributes(self) -> list:
        raw = (self.cleaned_data.get("attributes") or "").strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(gettext("This is not valid JSON.")) from None
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise forms.ValidationError(gettext("Give a list of questions, each an object."))
        return value

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        chosen = data.pop("department", "")
        data["department"] = self.departments.get(chosen) if chosen else None
        return data


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email of the department"), required=False)


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Application"),
        max_length=200,
        help_text=_("The name of the application that will file reports with this key."),
    )
