"""`{{ post.body|community_text }}`: a post, comment or message as HTML, every character escaped,
line breaks kept, links made clickable (`rel="nofollow ugc noopener"`) and `@handle` mentions
linked to the person's profile."""

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from milieu.community.choices import REACTIONS
from milieu.community.handles import MENTION
from milieu.community.selectors.social import OutlinedPost

register = template.Library()

_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _render_line(line: str) -> str:
    out: list[str] = []
    position = 0
    tokens = sorted(
        [(m.start(), m.end(), "link", m.group(0)) for m in _LINK.finditer(line)]
        + [(m.start(), m.end(), "mention", m.group(1)) for m in MENTION.finditer(line)]
    )
    for start, end, kind, value in tokens:
        if start < position:  # a mention inside a link
            continue
        out.append(escape(line[position:start]))
        if kind == "link":
            out.append(
                f'<a href="{escape(value)}" rel="nofollow ugc noopener" target="_blank">'
                f"{escape(value)}</a>"
            )
        else:
            url = reverse("people:person", kwargs={"handle": value.lower()})
            out.append(f'<a href="{escape(url)}" class="mention">@{escape(value)}</a>')
        position = end
    out.append(escape(line[position:]))
    return "".join(out)


@register.filter
def community_text(text: str) -> SafeString:
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    html = []
    for paragraph in paragraphs:
        if paragraph:
            lines = [_render_line(line) for line in paragraph.split("\n")]
            html.append("<p>" + "<br>".join(lines) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - every piece escaped above


@register.simple_tag
def reaction_kinds() -> list:
    """`{% reaction_kinds as kinds %}`: the reactions a post card offers, `(kind, label)`."""
    return REACTIONS


@register.filter
def card_state(post) -> tuple:
    """What a kept post card (`_post.html`) shows of its post and of the reader's relation to
    it: the card is rendered again when any of it changes. A post of an outline
    (`OutlinedPost`) is known by its id, its `PostState` and the reader's relation to it."""
    if isinstance(post, OutlinedPost):
        return post.card_state()
    author = post.author
    profile = getattr(author, "community_profile", None) if author is not None else None
    group = post.group if post.group_id else None
    district = post.district if post.district_id else None
    return (
        post.pk,
        post.edited_at,
        post.hidden_at,
        post.hidden_reason,
        post.language,
        post.comment_count,
        post.reaction_count,
        getattr(post, "viewer_reaction", None),
        getattr(post, "viewer_may_interact", None),
        getattr(post, "viewer_is_author", None),
        post.author_id,
        author.display_name if author is not None else None,
        profile.handle if profile is not None else None,
        group.name if group is not None else None,
        district.name if district is not None else None,
        tuple((image.pk, image.alt_text) for image in post.images.all()),
    )
