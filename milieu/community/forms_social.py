"""Forms of the social pages. They check the shape of what was typed; the services decide the
rest (and their refusals are put back on the form, which keeps what was typed)."""

from collections.abc import Sequence

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from milieu.core.pictures import PictureFields

from . import choices
from .models import MAX_COMMENT_CHARS, MAX_POST_CHARS, MAX_POST_IMAGES, Group, PostImage
from .services.social import MAX_GROUP_DESCRIPTION, MAX_GROUP_NAME

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


class PostForm(PictureFields, forms.Form):
    """A new post, with up to four pictures, each with its description."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_POST_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    language = LanguageField()

    def __init__(
        self, *args, picture_slots: int = MAX_POST_IMAGES, kept: Sequence[PostImage] = (), **kwargs
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", page_language())
        super().__init__(*args, **kwargs)
        self.add_picture_fields(picture_slots, kept=kept)


class PostEditForm(PostForm):
    """Change a post: its text and language, its pictures' descriptions, remove pictures, add
    pictures up to four."""

    def __init__(self, *args, images: list[PostImage], **kwargs) -> None:
        super().__init__(*args, picture_slots=MAX_POST_IMAGES - len(images), kept=images, **kwargs)


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
