"""Forms of the social pages. They check the shape of what was typed; the services decide the
rest (and their refusals are put back on the form, which keeps what was typed)."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import MAX_COMMENT_CHARS, MAX_POST_CHARS, MAX_POST_IMAGES, Group, PostImage
from .services.social import MAX_ALT_CHARS, MAX_GROUP_DESCRIPTION, MAX_GROUP_NAME, Upload

SITE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def language_choices() -> list[tuple[str, object]]:
    """The site's languages first, then every other language people write in."""
    labels: dict[str, object] = dict(choices.LANGUAGES)
    first: list[tuple[str, object]] = [(code, labels.get(code, code)) for code in SITE_LANGUAGES]
    rest: list[tuple[str, object]] = [
        (code, name) for code, name in choices.LANGUAGES if code not in SITE_LANGUAGES
    ]
    return first + rest


def page_language() -> str:
    language = (get_language() or "fr").split("-")[0]
    return language if language in choices.LANGUAGE_CODES else "fr"


class LanguageField(forms.ChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Language of your text"))
        super().__init__(choices=language_choices, **kwargs)


class PostForm(forms.Form):
    """A new post, with up to four pictures, each with its description."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_POST_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = LanguageField()

    def __init__(self, *args, picture_slots: int = MAX_POST_IMAGES, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", page_language())
        super().__init__(*args, **kwargs)
        self.picture_slots = picture_slots
        for number in range(1, picture_slots + 1):
            self.fields[f"image_{number}"] = forms.FileField(
                label=_("Picture %(number)d") % {"number": number},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
                ),
            )
            self.fields[f"alt_{number}"] = forms.CharField(
                label=_("Description of picture %(number)d") % {"number": number},
                help_text=_("What the picture shows, for people who cannot see it."),
                max_length=MAX_ALT_CHARS,
                required=False,
            )

    def picture_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"image_{number}"], self[f"alt_{number}"])
            for number in range(1, self.picture_slots + 1)
        ]

    def uploads(self) -> list[Upload]:
        return [
            Upload(
                file=self.cleaned_data[f"image_{number}"],
                alt_text=self.cleaned_data.get(f"alt_{number}", ""),
                field=f"image_{number}",
                alt_field=f"alt_{number}",
            )
            for number in range(1, self.picture_slots + 1)
            if self.cleaned_data.get(f"image_{number}")
        ]

    def had_files(self) -> bool:
        return bool(self.files)


class PostEditForm(PostForm):
    """Change a post: its text and language, its pictures' descriptions, remove pictures, add
    pictures up to four."""

    def __init__(self, *args, images: list[PostImage], **kwargs) -> None:
        self.images = images
        super().__init__(*args, picture_slots=MAX_POST_IMAGES - len(images), **kwargs)
        for image in images:
            self.fields[f"alt_existing_{image.pk}"] = forms.CharField(
                label=_("Description of this picture"),
                max_length=MAX_ALT_CHARS,
                required=False,
                initial=image.alt_text,
            )
            self.fields[f"remove_{image.pk}"] = forms.BooleanField(
                label=_("Remove this picture"), required=False
            )

    def existing_fields(self) -> list[tuple[PostImage, forms.BoundField, forms.BoundField]]:
        return [
            (image, self[f"alt_existing_{image.pk}"], self[f"remove_{image.pk}"])
            for image in self.images
        ]

    def alt_texts(self) -> dict[int, str]:
        return {
            image.pk: self.cleaned_data.get(f"alt_existing_{image.pk}", "") for image in self.images
        }

    def removed(self) -> list[int]:
        return [image.pk for image in self.images if self.cleaned_data.get(f"remove_{image.pk}")]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = LanguageField()

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", page_language())
        super().__init__(*args, **kwargs)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=MAX_GROUP_NAME)
    description = forms.CharField(
        label=_("What the group is about"),
        max_length=MAX_GROUP_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    interest = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("No particular theme")), *choices.INTERESTS],
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who can read the group"),
        choices=Group.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Group.Visibility.OPEN,
    )
    language = LanguageField(label=_("Main language of the group"))
    official = forms.BooleanField(
        label=_("Official group of the municipality"),
        help_text=_("Run by the municipality's staff; shown first."),
        required=False,
    )

    def __init__(self, *args, may_make_official: bool = False, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", page_language())
        super().__init__(*args, **kwargs)
        if not may_make_official:
            del self.fields["official"]

    def values(self) -> dict:
        """The service's arguments; `official` only when the person may decide it."""
        return dict(self.cleaned_data)
