"""Forms of the practices' pages. They check the shape of what was typed; the services decide,
and their refusals come back on the fields (`core.http.form_error`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .dimensions import Dimension

LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGES, initial="fr")
    dimension = forms.ChoiceField(
        label=_("Dimension of digital maturity"),
        choices=[("", _("None in particular")), *Dimension.choices],
        required=False,
    )
    problem = forms.CharField(label=_("The problem"), max_length=5000, widget=_area())
    solution = forms.CharField(label=_("The solution"), max_length=5000, widget=_area())
    technology = forms.CharField(
        label=_("Technology used"), max_length=2000, required=False, widget=_area(2)
    )
    cost = forms.CharField(
        label=_("Cost"),
        max_length=200,
        required=False,
        help_text=_("For example: 1 200 $ a year, or two days of staff time."),
    )
    results = forms.CharField(label=_("Results"), max_length=5000, required=False, widget=_area())
    contact = forms.CharField(
        label=_("Contact"),
        max_length=200,
        help_text=_("A work contact (a service, a title, a work email) shown to everyone."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=600,
        required=False,
        help_text=_("Separated by commas, for example: wi-fi, seniors, newsletter."),
    )

    @classmethod
    def initial_of(cls, practice) -> dict:
        values = {name: getattr(practice, name) for name in cls.base_fields if name != "tags"}
        values["tags"] = ", ".join(tag.name for tag in practice.tags.all())
        return values


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=[("", _("All")), *Dimension.choices], required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All")), *LANGUAGES], required=False
    )

    def __init__(self, *args, tags, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("All")), *((t.slug, t.name) for t in tags)]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("All")), *((r.slug, r.name) for r in regions)]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, str]:
        """The valid filters (an unknown choice counts as none)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: str(data.get(name) or "") for name in self.fields}


class TownChoiceMixin(forms.Form):
    municipality = forms.TypedChoiceField(label=_("For the municipality"), coerce=int)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(t.pk, t.name) for t in towns]  # type: ignore[attr-defined]
        if len(towns) == 1:
            self.fields["municipality"].initial = towns[0].pk
            self.fields["municipality"].widget = forms.HiddenInput()


class AdoptForm(TownChoiceMixin):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=1000,
        required=False,
        widget=_area(2),
        help_text=_("How you adapted it, shown with the adoption."),
    )


class CommentForm(TownChoiceMixin):
    body = forms.CharField(label=_("Your comment"), max_length=2000, widget=_area(3))
