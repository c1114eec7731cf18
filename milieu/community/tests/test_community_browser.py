"""The community's two journeys in a real browser.

1. A newcomer, in English: signs up, confirms the address through the email, chooses Brossard,
   reads the directory of services and says "I am new here"; a coordinator (French) proposes a
   buddy from the ranked list with its explanation; both accept; the newcomer accepts the
   netiquette, writes to the buddy, and reads the buddy's answer.
2. A neighbourhood post, moderated: a resident posts a picture (carrying GPS tags) in their
   district's feed, a neighbour comments, a third resident reports it, a moderator hides it with
   a reason; the neighbour no longer sees it, and the author sees why it was hidden.

Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against `live_server`, each
person in a browser context of their own; mail goes to the local SMTP server of `smtp_server`.

Strings of allauth's shipped catalogues are asserted literally. Strings of Milieu's own
catalogues (still being completed) are asserted as gettext gives them in the page's language
(`_t`, `_p`, `_n`), so the journeys check that each page speaks its language without depending
on how complete our .po files are.
"""

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import formats, timezone, translation
from PIL import ExifTags, Image
from playwright.sync_api import Browser, Locator, Page, expect

from milieu.accounts.models import Membership, Role, User
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.community.models import (
    Comment,
    CommunityProfile,
    Message,
    ModerationAction,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    Post,
    PostImage,
    Report,
)
from milieu.community.services import moderation as moderation_services
from milieu.community.tests.factories_newcomers import buddy_of, resource_of
from milieu.core.testing import sign_in
from milieu.territory import demo
from milieu.territory.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results"
NEWCOMER_EMAIL = "amal.haddad@example.org"
PASSWORD = "Ch0colat-Brossard!"


def _t(language: str, message: str) -> str:
    """`message` as Milieu shows it in `language` (our catalogues may still be incomplete)."""
    with translation.override(language):
        return translation.gettext(message)


def _p(language: str, context: str, message: str) -> str:
    """`{% translate message context context %}` as Milieu shows it in `language`."""
    with translation.override(language):
        return translation.pgettext(context, message)


def _n(language: str, singular: str, plural: str, count: int, name: str = "counter") -> str:
    """A `{% blocktranslate count name=... %}` message as Milieu shows it in `language`."""
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {name: count}


def _date(language: str, value: dt.date | dt.datetime, format_name: str = "DATE_FORMAT") -> str:
    """A date (or a moment, in the local time zone) as the `date` filter writes it."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    with translation.override(language):
        return formats.date_format(value, format_name)


@pytest.fixture
def open_page(live_server, browser: Browser) -> Iterator[Callable[..., Page]]:
    """`open_page(locale, user=None)`: a page in a browser context of its own (its own cookies),
    in a browser whose language is `locale`, signed in as `user` when one is given. The
    JavaScript errors of every page are recorded: the test fails on any."""
    contexts = []
    errors: list[str] = []

    def open_(locale: str, user: User | None = None) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        if user is not None:
            sign_in(page, live_server.url, user)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors in the pages: {errors}"


@pytest.fixture
def private_media(settings, tmp_path) -> Path:
    """Pictures of posts go to a temporary folder (the storage reads the setting at each use;
    the live server runs in a thread of this process)."""
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"browser-community-{name}.png", full_page=True)


def _speaks(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def _field(scope: Page | Locator, label: str) -> Locator:
    """The form field labelled `label` (Django adds its label suffix, ":" or " :")."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*:?\s*$"))


def _status(page: Page) -> Locator:
    """The page's flash messages (`base.html`)."""
    return page.locator("main div.messages[role=status]")


# --- Journey 1: a newcomer in English -------------------------------------------------------------


def test_newcomer_signs_up_in_english_is_paired_with_a_buddy_and_they_exchange_messages(
    live_server, smtp_server, open_page
):
    demo.load()
    base = live_server.url
    brossard = Municipality.objects.get(slug="brossard")
    town = brossard.name
    centre = brossard.districts.get(slug="centre")
    resource_of(
        brossard,
        category=NewcomerResource.Category.WELCOME,
        name="Accueil des nouveaux arrivants de Brossard",
        description_fr="Rencontres d'accueil, aide aux démarches et visite de la ville.",
        description_en="Welcome meetings, help with paperwork and a tour of the city.",
        languages=["fr", "en", "ar"],
    )
    resource_of(
        brossard,
        category=NewcomerResource.Category.LANGUAGE,
        name="Francisation Québec à Brossard",
        description_fr="Cours de français gratuits, le jour ou le soir.",
        description_en="",  # no English text: the French one is shown, marked as French
        languages=["fr"],
    )
    # An established resident of Brossard who volunteers as a buddy (French and English), and
    # another one who speaks only Spanish (ranked lower for this newcomer).
    buddy = citizen_of(brossard, display_name="Martine Gagnon")
    Membership.objects.filter(user=buddy, municipality=brossard).update(district=centre)
    buddy_of(
        brossard,
        user=buddy,
        languages=["fr", "en"],
        interests=["cooking"],
        availability=["weekday_evening", "weekend_morning"],
        district=centre,
    )
    moderation_services.netiquette_accept(actor=buddy, municipality=brossard)
    buddy_of(
        brossard,
        user=citizen_of(brossard, display_name="Carlos Rivera"),
        languages=["es"],
        district=centre,
    )
    coordinator = with_role(brossard, Role.STAFF, display_name="Julie Lavoie")
    arrival = timezone.localdate() - dt.timedelta(days=45)

    page = open_page("en-CA")  # the newcomer's browser, in English
    heading = page.locator("main h1")

    # --- Sign up in English, confirm the address from the email, log in ---------------------------
    page.goto(f"{base}/en/")
    _speaks(page, "en")
    page.get_by_role("link", name=_t("en", "Sign up"), exact=True).click()
    expect(page).to_have_url(f"{base}/en/accounts/signup/")
    expect(heading).to_have_text("Sign Up")
    # allauth's forms have no visible labels: their fields are named by their placeholders.
    page.get_by_placeholder("Email address", exact=True).fill(NEWCOMER_EMAIL)
    page.get_by_placeholder("Password", exact=True).fill(PASSWORD)
    page.get_by_placeholder("Password (again)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up", exact=True).click()

    expect(page).to_have_url(f"{base}/en/accounts/confirm-email/")
    expect(heading).to_have_text("Verify Your Email Address")
    message = smtp_server.wait_for_message()
    assert message["Subject"] == "[Milieu] Please Confirm Your Email Address"
    assert message["To"] == NEWCOMER_EMAIL
    body = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+/confirm-email/\S+/", body)
    assert len(links) == 1, f"expected one confirmation link, found {links!r} in:\n{body}"
    assert links[0].startswith(f"{base}/en/accounts/confirm-email/")

    page.goto(links[0])
    expect(heading).to_have_text("Confirm Email Address")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(f"{base}/en/accounts/login/")
    assert EmailAddress.objects.get(email=NEWCOMER_EMAIL).verified is True
    page.get_by_placeholder("Email address", exact=True).fill(NEWCOMER_EMAIL)
    page.get_by_placeholder("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()

    # No home municipality yet: the profile page asks for one.
    # Signed up on /en/: English is the person's language, from the first page on.
    assert User.objects.get(email=NEWCOMER_EMAIL).preferred_language == "en"
    expect(page).to_have_url(f"{base}/en/profile/")
    _speaks(page, "en")
    expect(heading).to_have_text(_t("en", "My profile"))
    _field(page, _t("en", "Display name")).fill("Amal Haddad")
    _field(page, _t("en", "Home municipality")).select_option(label=town)
    page.get_by_role("button", name=_t("en", "Save"), exact=True).click()
    expect(page).to_have_url(f"{base}/en/brossard/")
    _speaks(page, "en")
    newcomer = User.objects.get(email=NEWCOMER_EMAIL)
    assert newcomer.preferred_language == "en"

    # --- The newcomers' page: the directory, then "I am new here" ---------------------------------
    page.goto(f"{base}/en/brossard/newcomers/")
    _speaks(page, "en")
    expect(heading).to_have_text(_t("en", "New in %(name)s") % {"name": town})
    directory = page.locator("#resource-list")
    expect(directory.get_by_role("heading", level=3)).to_have_text(
        [_t("en", "Welcome and settlement"), _t("en", "French courses")]
    )
    expect(directory.get_by_role("heading", level=4)).to_have_text(
        ["Accueil des nouveaux arrivants de Brossard", "Francisation Québec à Brossard"]
    )
    descriptions = directory.locator("li > div[lang]")
    expect(descriptions).to_have_text(
        [
            "Welcome meetings, help with paperwork and a tour of the city.",
            "Cours de français gratuits, le jour ou le soir.",
        ]
    )
    expect(descriptions.first).to_have_attribute("lang", "en")
    expect(descriptions.last).to_have_attribute("lang", "fr")
    _screenshot(page, "1-newcomers-en")

    page.get_by_role("link", name=_t("en", "Ask for a buddy"), exact=True).click()
    expect(page).to_have_url(f"{base}/en/brossard/newcomers/me/")
    _speaks(page, "en")
    expect(heading).to_have_text(_t("en", "I am new here"))
    _field(page, _t("en", "Date of my arrival")).fill(arrival.isoformat())
    _field(page, _t("en", "Languages I speak")).select_option(label=["Arabic", "English"])
    _field(page, _t("en", "Languages I want to practise")).select_option(label=["French"])
    _field(page, _t("en", "Practise French")).check()
    _field(page, _t("en", "Find work")).check()
    _field(page, _t("en", "Cooking")).check()
    _field(page, _t("en", "Weekday evenings")).check()
    _field(page, _t("en", "My district")).select_option(label=centre.name)
    expect(_field(page, _t("en", "I would like a buddy"))).to_be_checked()
    page.get_by_role("button", name=_t("en", "Save my profile"), exact=True).click()

    expect(page).to_have_url(f"{base}/en/brossard/newcomers/")
    expect(_status(page)).to_have_text(_t("en", "Your newcomer profile is saved."))
    expect(page.locator("#my-place-title + ul > li").first).to_contain_text(
        _t("en", "Your profile is saved: a coordinator will propose a buddy to you.")
    )
    profile = NewcomerProfile.objects.get(user=newcomer, municipality=brossard)
    assert (
        profile.arrival_date,
        profile.languages_spoken,
        profile.languages_wanted,
        profile.needs,
        profile.interests,
        profile.availability,
        profile.district_id,
        profile.seeking,
    ) == (
        arrival,
        ["ar", "en"],
        ["fr"],
        ["french", "employment"],
        ["cooking"],
        ["weekday_evening"],
        centre.pk,
        True,
    )

    # --- The coordinator, in French, proposes the best-ranked buddy -------------------------------
    desk = open_page("fr-CA", coordinator)
    desk.goto(f"{base}/fr/brossard/staff/newcomers/")
    _speaks(desk, "fr")
    expect(desk.locator("main h1")).to_have_text(_t("fr", "Newcomers waiting for a buddy"))
    waiting = desk.locator("#queue tbody tr")
    expect(waiting).to_have_count(1)
    expect(waiting.locator("td")).to_have_text(
        ["Amal Haddad", _date("fr", arrival), centre.name, _date("fr", profile.created_at)]
    )
    waiting.get_by_role("link", name="Amal Haddad", exact=True).click()

    expect(desk).to_have_url(f"{base}/fr/brossard/staff/newcomers/newcomers/{profile.pk}/")
    expect(desk.locator("main h1")).to_have_text("Amal Haddad")
    english, french = _t("fr", "English"), _t("fr", "French")
    rows = desk.locator("section[aria-labelledby=profile-title] dd")
    expect(rows).to_have_text(
        [
            arrival.isoformat(),
            f"{_t('fr', 'Arabic')}, {english}",
            french,
            f"{_t('fr', 'Practise French')}, {_t('fr', 'Find work')}",
            _t("fr", "Cooking"),
            _t("fr", "Weekday evenings"),
            centre.name,
            _t("fr", "Yes"),
        ]
    )
    out_of = _t("fr", "%(score)s out of 100")
    suggested = desk.locator("ol.matches > li")
    expect(suggested.locator("label")).to_have_text(
        [f"Martine Gagnon — {out_of % {'score': 80}}", f"Carlos Rivera — {out_of % {'score': 20}}"]
    )

    def reason(text: str, count: int) -> str:
        return f"{text} {_n('fr', '(%(points)s point)', '(%(points)s points)', count, 'points')}"

    expect(suggested.first.locator("ul > li")).to_have_text(
        [
            reason(_t("fr", "Both speak %(languages)s.") % {"languages": english}, 30),
            reason(
                _t("fr", "The buddy speaks %(languages)s, which the newcomer wants to practise.")
                % {"languages": french},
                20,
            ),
            reason(_t("fr", "Same district: %(district)s.") % {"district": centre.name}, 20),
            reason(
                _t("fr", "Shared interests: %(interests)s.") % {"interests": _t("fr", "Cooking")},
                5,
            ),
            reason(
                _t("fr", "Both available: %(times)s.") % {"times": _t("fr", "Weekday evenings")},
                5,
            ),
        ]
    )
    _screenshot(desk, "2-coordinator-fr")
    desk.get_by_role("radio", name=f"Martine Gagnon — {out_of % {'score': 80}}").check()
    note = "Martine parle anglais et habite aussi le Centre. / Martine speaks English too."
    _field(desk, _t("fr", "A message to both (optional)")).fill(note)
    desk.get_by_role("button", name=_t("fr", "Propose this buddy"), exact=True).click()

    pairing = Pairing.objects.get(newcomer=profile)
    expect(desk).to_have_url(f"{base}/fr/brossard/staff/newcomers/pairings/{pairing.pk}/")
    expect(_status(desk)).to_have_text(_t("fr", "The pairing is proposed; both will be notified."))
    assert (pairing.state, pairing.buddy.user_id, pairing.score, pairing.note) == (
        Pairing.State.PROPOSED,
        buddy.pk,
        80,
        note,
    )

    # --- The newcomer sees the proposal in their notifications, in English, and accepts -----------
    page.goto(f"{base}/en/brossard/newcomers/")
    unread = _n("en", "%(counter)s unread notification", "%(counter)s unread notifications", 1)
    page.get_by_role("link", name=f"{_t('en', 'Notifications')} {unread}", exact=True).click()
    expect(page).to_have_url(f"{base}/en/notifications/")
    _speaks(page, "en")
    page.get_by_role("link", name=_t("en", "A buddy is proposed to you"), exact=True).click()

    expect(page).to_have_url(f"{base}/en/brossard/newcomers/pairings/{pairing.pk}/")
    _speaks(page, "en")
    expect(heading).to_have_text(_t("en", "A buddy to welcome me"))
    panel = page.locator("#pairing-panel")
    expect(panel.locator("section[aria-labelledby=note-title] div")).to_have_text(note)
    expect(panel.locator("section[aria-labelledby=why-title] p")).to_have_text(
        _t("en", "Match: %(score)s out of 100.") % {"score": 80}
    )
    expect(panel.locator("section[aria-labelledby=why-title] li")).to_have_text(
        [
            _t("en", "Both speak %(languages)s.") % {"languages": "English"},
            _t("en", "The buddy speaks %(languages)s, which the newcomer wants to practise.")
            % {"languages": "French"},
            _t("en", "Same district: %(district)s.") % {"district": centre.name},
            _t("en", "Shared interests: %(interests)s.") % {"interests": _t("en", "Cooking")},
            _t("en", "Both available: %(times)s.") % {"times": _t("en", "Weekday evenings")},
        ]
    )
    expect(panel).not_to_contain_text("Martine Gagnon")  # names are shown once both accept
    panel.get_by_role("button", name=_t("en", "Accept"), exact=True).click()
    expect(panel.get_by_role("status")).to_have_text(
        _t("en", "You accepted. The pairing starts when the other person accepts too.")
    )

    # --- The buddy, in French, sees it in their notifications and on their pairings page ----------
    home = open_page("fr-CA", buddy)
    home.goto(f"{base}/fr/notifications/")
    _speaks(home, "fr")
    expect(home.get_by_role("link", name=_t("fr", "A newcomer is proposed to you"))).to_be_visible()
    home.goto(f"{base}/fr/brossard/newcomers/pairings/")
    expect(home.locator("main h1")).to_have_text(_t("fr", "My pairings"))
    mine = home.locator("main ul li").filter(has_text=_t("fr", "A newcomer to welcome"))
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(_t("fr", "Proposed"))
    mine.get_by_role("link", name=_t("fr", "A newcomer to welcome"), exact=True).click()
    expect(home).to_have_url(f"{base}/fr/brossard/newcomers/pairings/{pairing.pk}/")
    buddy_panel = home.locator("#pairing-panel")
    expect(
        buddy_panel.get_by_role("listitem").filter(has_text=_t("fr", "The other person accepted."))
    ).to_have_count(1)
    expect(buddy_panel).not_to_contain_text("Amal Haddad")
    buddy_panel.get_by_role("button", name=_t("fr", "Accept"), exact=True).click()
    expect(buddy_panel.get_by_role("status")).to_have_text(
        _t("fr", "You both accepted: the pairing has started.")
    )
    pairing.refresh_from_db()
    assert pairing.state == Pairing.State.ACTIVE
    newcomer_handle = CommunityProfile.objects.get(user=newcomer).handle
    expect(buddy_panel.locator("#other-title")).to_have_text(_t("fr", "The newcomer"))
    expect(buddy_panel.locator("section[aria-labelledby=other-title] p").first).to_have_text(
        f"Amal Haddad (@{newcomer_handle})"
    )

    # --- The pairing is active: the newcomer writes to the buddy ----------------------------------
    page.reload()
    _speaks(page, "en")
    buddy_handle = buddy.community_profile.handle
    expect(panel.locator("p").filter(has_text=_t("en", "State:"))).to_have_text(
        f"{_t('en', 'State:')} {_t('en', 'Active')}"
    )
    expect(panel.locator("section[aria-labelledby=other-title] p").first).to_have_text(
        f"Martine Gagnon (@{buddy_handle})"
    )
    _screenshot(page, "3-pairing-active-en")
    panel.get_by_role("link", name=_t("en", "Write a message"), exact=True).click()
    expect(page).to_have_url(f"{base}/en/messages/new/?to={buddy_handle}")
    _speaks(page, "en")
    expect(heading).to_have_text(_t("en", "New message"))
    hello = "Hello Martine! Thank you for welcoming me. Could we meet for a coffee this week?"
    message_box = _field(page, _t("en", "Your message"))
    message_box.fill(hello)
    page.get_by_role("button", name=_t("en", "Send"), exact=True).click()

    # First, the netiquette: the page says so, keeps the text, and offers its box in the form.
    expect(page.locator("main form ul.errorlist")).to_have_text(
        _t("en", "Accept the netiquette of %(municipality)s before taking part.")
        % {"municipality": town}
    )
    expect(message_box).to_have_value(hello)
    expect(
        page.get_by_role(
            "link",
            name=_t("en", "Read the netiquette of %(municipality)s") % {"municipality": town},
        )
    ).to_have_attribute("href", "/en/brossard/community/netiquette/")
    page.get_by_label(_t("en", "I have read the netiquette and I accept it."), exact=True).check()
    page.get_by_role("button", name=_t("en", "Send"), exact=True).click()

    conversation = Message.objects.get(body=hello).conversation
    expect(page).to_have_url(f"{base}/en/messages/{conversation.pk}/#latest")
    _speaks(page, "en")
    expect(heading).to_have_text("Martine Gagnon")
    thread = page.locator("#message-list .chat-body")
    expect(thread).to_have_text([hello])

    # --- The buddy opens their messages and answers -----------------------------------------------
    home.goto(f"{base}/fr/messages/")
    _speaks(home, "fr")
    expect(home.locator("main h1")).to_have_text(_t("fr", "My conversations"))
    listed = home.locator("ul.conversation-list > li")
    expect(listed).to_have_count(1)
    expect(listed.locator(".unread-mark")).to_have_text(
        _n("fr", "%(counter)s unread", "%(counter)s unread", 1)
    )
    listed.get_by_role("link", name="Amal Haddad", exact=True).click()
    expect(home).to_have_url(f"{base}/fr/messages/{conversation.pk}/")
    expect(home.locator("#message-list .chat-body")).to_have_text([hello])
    answer = "Bonjour Amal! Avec plaisir: jeudi soir au café de la bibliothèque?"
    _field(home, _t("fr", "Your message")).fill(answer)
    home.get_by_role("button", name=_t("fr", "Send"), exact=True).click()
    expect(home.locator("#message-list .chat-body")).to_have_text([hello, answer])

    # --- The newcomer reads the answer ------------------------------------------------------------
    page.reload()
    _speaks(page, "en")
    expect(thread).to_have_text([hello, answer])
    expect(page.locator("#message-list .chat-message:not(.mine) strong")).to_have_text(
        ["Martine Gagnon"]
    )
    _screenshot(page, "4-conversation-en")
    assert list(
        Message.objects.filter(conversation=conversation)
        .order_by("created_at", "pk")
        .values_list("author__email", "body")
    ) == [(NEWCOMER_EMAIL, hello), (buddy.email, answer)]


# --- Journey 2: a neighbourhood post, moderated ---------------------------------------------------


def _photo_with_gps() -> bytes:
    """A 120 x 80 JPEG as a phone writes it: the camera's make and model, and the GPS position
    where it was taken."""
    picture = Image.new("RGB", (120, 80), (200, 120, 40))
    picture.paste((40, 40, 40), (60, 0, 120, 80))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Serial 123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (45.0, 27.0, 1.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (73.0, 27.0, 54.0)
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, quality=95)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the test's own premise
        assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    return data


def _assert_no_metadata(data: bytes, size: tuple[int, int]) -> None:
    """A JPEG of `size` pixels without EXIF (so without GPS position or camera)."""
    with Image.open(io.BytesIO(data)) as picture:
        assert (picture.format, picture.size) == ("JPEG", size)
        assert dict(picture.getexif()) == {}
        assert "exif" not in picture.info
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data


def test_neighbourhood_post_with_a_picture_is_commented_reported_and_hidden_by_a_moderator(
    live_server, open_page, private_media
):
    demo.load()
    base = live_server.url
    brossard = Municipality.objects.get(slug="brossard")
    town = brossard.name
    centre = brossard.districts.get(slug="centre")

    def resident(name: str, *, accepted: bool) -> User:
        person = citizen_of(brossard, display_name=name)
        Membership.objects.filter(user=person, municipality=brossard).update(district=centre)
        if accepted:
            moderation_services.netiquette_accept(actor=person, municipality=brossard)
        return person

    author = resident("Sophie Tremblay", accepted=False)  # accepts the netiquette below
    neighbour = resident("Marc Bélanger", accepted=True)
    reporter = resident("Nadia Roy", accepted=False)  # reporting needs no netiquette
    moderator = with_role(brossard, Role.STAFF, display_name="Luc Moreau")
    feed_url = f"{base}/fr/brossard/community/districts/{centre.slug}/"
    text = "Chat tigré trouvé devant chez moi ce matin, très doux, sans collier. Il est à vous?"
    alt = "Un chat tigré sur un perron"

    # --- The author accepts the netiquette, then posts with a picture -----------------------------
    writer = open_page("fr-CA", author)
    writer.goto(feed_url)
    _speaks(writer, "fr")
    expect(writer.locator("main h1")).to_have_text(centre.name)
    post_form = writer.locator("#post-form")
    body = _field(post_form, _t("fr", "Your message"))

    def write_post() -> None:
        body.fill(text)
        if post_form.locator("details").get_attribute("open") is None:  # opened after an error
            post_form.get_by_text(_t("fr", "Add pictures (up to 4)"), exact=True).click()
        _field(post_form, _t("fr", "Picture %(number)d") % {"number": 1}).set_input_files(
            {"name": "chat.jpg", "mimeType": "image/jpeg", "buffer": _photo_with_gps()}
        )
        _field(post_form, _t("fr", "Description of picture %(number)d") % {"number": 1}).fill(alt)
        post_form.get_by_role("button", name=_t("fr", "Publish"), exact=True).click()

    write_post()
    refusal = writer.locator("#post-form [role=alert]")
    expect(refusal.locator("ul.errorlist")).to_have_text(
        _t("fr", "Accept the netiquette of %(municipality)s before taking part.")
        % {"municipality": town}
    )
    expect(body).to_have_value(text)  # the typed text is kept
    assert Post.objects.count() == 0
    # The box of the netiquette is in the same form: tick it and send again (the browser does
    # not keep the chosen picture, which the page says: it is chosen again).
    expect(
        refusal.get_by_role(
            "link",
            name=_t("fr", "Read the netiquette of %(municipality)s") % {"municipality": town},
        )
    ).to_have_attribute("href", re.compile(r"^/fr/brossard/community/netiquette/"))
    post_form.get_by_label(
        _t("fr", "I have read the netiquette and I accept it."), exact=True
    ).check()
    write_post()

    expect(writer).to_have_url(feed_url)
    expect(_status(writer)).to_have_text(_t("fr", "Your post is published."))
    post = Post.objects.get()
    assert (post.author_id, post.district_id, post.body, post.language) == (
        author.pk,
        centre.pk,
        text,
        "fr",
    )
    post_path = f"/fr/brossard/community/posts/{post.pk}/"
    article = writer.locator("article.post")
    expect(article).to_have_count(1)
    expect(article.locator(".post-text")).to_have_text(text)
    expect(article.locator(".post-text")).to_have_attribute("lang", "fr")
    expect(article.locator("header time").locator("xpath=..")).to_have_attribute("href", post_path)
    thumbnail = article.get_by_role("img", name=alt, exact=True)
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_js_property("naturalWidth", 120)  # the browser could decode it
    _screenshot(writer, "5-post-fr")

    # The picture, as the app serves it and as it is stored: no EXIF, so no GPS position.
    image = PostImage.objects.get(post=post)
    picture_path = f"/fr/brossard/community/posts/{post.pk}/pictures/{image.pk}/"
    expect(article.locator("ul.post-pictures a")).to_have_attribute("href", picture_path)
    for query in ("", "?size=small"):
        served = writer.request.get(f"{base}{picture_path}{query}")
        assert served.status == 200, query
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["cache-control"] == "private, max-age=3600"
        _assert_no_metadata(served.body(), (120, 80))
    stored = image.image.storage.path(image.image.name)
    assert Path(stored).is_relative_to(private_media)
    _assert_no_metadata(Path(stored).read_bytes(), (120, 80))

    # --- A neighbour sees the post in the district feed and comments ------------------------------
    next_door = open_page("fr-CA", neighbour)
    next_door.goto(feed_url)
    _speaks(next_door, "fr")
    seen = next_door.locator("article.post")
    expect(seen).to_have_count(1)
    expect(seen.locator(".post-text")).to_have_text(text)
    expect(seen.locator("header > span").first).to_have_text("Sophie Tremblay")
    expect(seen.get_by_role("img", name=alt, exact=True)).to_be_visible()
    seen.get_by_role(
        "link", name=_n("fr", "%(counter)s comment", "%(counter)s comments", 0), exact=True
    ).click()
    expect(next_door).to_have_url(f"{base}{post_path}#comments")
    expect(next_door.locator("main h1")).to_have_text(
        _t("fr", "A post in %(place)s") % {"place": centre.name}
    )
    remark = "C'est Pacha, le chat des voisins du 12! Je les préviens."
    _field(next_door, _t("fr", "Your comment")).fill(remark)
    next_door.get_by_role("button", name=_p("fr", "verb", "Comment"), exact=True).click()
    comments = next_door.locator("#comments")
    expect(comments.get_by_role("status")).to_have_text(_t("fr", "Your comment is published."))
    expect(comments.locator("ol.comment-list > li div[lang]")).to_have_text([remark])
    assert list(Comment.objects.values_list("post_id", "author_id", "body")) == [
        (post.pk, neighbour.pk, remark)
    ]

    # --- A third resident reports the post --------------------------------------------------------
    watcher = open_page("fr-CA", reporter)
    watcher.goto(feed_url)
    watcher.locator("article.post").get_by_role(
        "link", name=_p("fr", "verb", "Report"), exact=True
    ).click()
    expect(watcher).to_have_url(f"{base}/fr/brossard/community/report/?target=post:{post.pk}")
    _speaks(watcher, "fr")
    expect(watcher.locator("main h1")).to_have_text(_t("fr", "Report to the moderators"))
    expect(watcher.locator("section.reported blockquote")).to_have_text(text)
    _field(watcher, _t("fr", "Someone's private information")).check()
    details = "La photo montre la porte et le numéro civique de ma voisine."
    _field(watcher, _t("fr", "Details (optional)")).fill(details)
    watcher.get_by_role("button", name=_t("fr", "Send the report"), exact=True).click()
    expect(watcher).to_have_url(f"{base}/fr/brossard/community/report/sent/")
    expect(watcher.locator("main h1")).to_have_text(_t("fr", "Report sent"))
    expect(_status(watcher)).to_have_text(
        _t("fr", "Thank you. Your report was sent to the moderators of %(municipality)s.")
        % {"municipality": town}
    )
    report = Report.objects.get()
    assert (report.target, report.reporter_id, report.subject_id, report.reason) == (
        f"post:{post.pk}",
        reporter.pk,
        author.pk,
        Report.Reason.PRIVACY,
    )

    # --- A moderator opens the queue, then the report, and hides the post -------------------------
    desk = open_page("fr-CA", moderator)
    desk.goto(f"{base}/fr/brossard/staff/moderation/")
    _speaks(desk, "fr")
    expect(desk.locator("main h1")).to_have_text(_t("fr", "Reports to review"))
    expect(desk.locator("#report-list-title")).to_have_text(
        _n("fr", "%(counter)s report", "%(counter)s reports", 1)
    )
    listed = desk.locator("#report-list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.locator("td").nth(2)).to_have_text(_t("fr", "Someone's private information"))
    expect(listed.locator("td").nth(3)).to_have_text("Sophie Tremblay")
    expect(listed.locator("td").nth(4)).to_have_text(_t("fr", "To review"))
    listed.get_by_role("link", name=f"{_t('fr', 'Post')} (post:{post.pk})", exact=True).click()

    expect(desk).to_have_url(f"{base}/fr/brossard/staff/moderation/reports/{report.pk}/")
    expect(desk.locator("main h1")).to_have_text(
        _t("fr", "Report %(number)s") % {"number": report.pk}
    )
    expect(desk.locator("dl.report-facts dd").nth(2)).to_have_text(details)
    expect(desk.locator("blockquote.snapshot")).to_have_text(text)
    hide = desk.locator("form.decision").filter(
        has=desk.get_by_role("heading", name=_t("fr", "Hide it"), exact=True)
    )
    why = "La photo montre l'adresse d'une personne: nous la retirons pour sa vie privée."
    _field(hide, _t("fr", "Reason shown to the person")).fill(why)
    hide.get_by_role("button", name=_t("fr", "Hide"), exact=True).click()
    expect(desk).to_have_url(f"{base}/fr/brossard/staff/moderation/reports/{report.pk}/")
    expect(_status(desk)).to_have_text(
        _t("fr", "Done: %(action)s (%(target)s).")
        % {"action": _t("fr", "Hidden"), "target": f"post:{post.pk}"}
    )
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.hidden_at is not None
    assert (post.hidden_by_id, post.hidden_reason) == (moderator.pk, why)
    expect(desk.locator("section[aria-labelledby=live-title] p.badge")).to_have_text(
        _t("fr", "Hidden since %(date)s: %(reason)s")
        % {"date": _date("fr", post.hidden_at, "SHORT_DATETIME_FORMAT"), "reason": why}
    )
    assert report.status == Report.Status.ACTIONED
    assert list(
        ModerationAction.objects.values_list("action", "target", "moderator_id", "reason")
    ) == [(ModerationAction.Action.HIDE, f"post:{post.pk}", moderator.pk, why)]
    _screenshot(desk, "6-moderation-fr")

    # --- The neighbour no longer sees the post ----------------------------------------------------
    next_door.goto(feed_url)
    expect(next_door.locator("article.post")).to_have_count(0)
    expect(next_door.locator("p.feed-empty")).to_have_text(_t("fr", "No posts here yet."))
    gone = next_door.goto(f"{base}{post_path}")
    assert gone is not None and gone.status == 404
    assert next_door.request.get(f"{base}{picture_path}").status == 404  # nor its picture

    # --- The author has a notification, and sees the post marked hidden with the reason -----------
    writer.goto(f"{base}/fr/notifications/")
    _speaks(writer, "fr")
    hidden_title = _t("fr", "%(what)s was hidden by the moderators of %(municipality)s") % {
        "what": _t("fr", "Your post"),
        "municipality": town,
    }
    notice = writer.locator("ol.notification-list > li").filter(
        has=writer.get_by_role("link", name=hidden_title, exact=True)
    )
    expect(notice).to_have_count(1)
    expect(notice.locator("p").first).to_have_text(
        _t("fr", "The moderators' reason: %(reason)s") % {"reason": why}
    )
    writer.goto(f"{base}{post_path}")
    _speaks(writer, "fr")
    marked = writer.locator("article.post .post-hidden[role=note]")
    expect(marked.locator("p")).to_have_text(
        [_t("fr", "Hidden by the moderators"), f"{_t('fr', 'Reason:')} {why}"]
    )
    expect(writer.locator("article.post .post-text")).to_have_text(text)
    _screenshot(writer, "7-hidden-post-fr")
