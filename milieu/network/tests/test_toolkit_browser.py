"""The toolkit's journey in a real browser: a resident opens a course, completes each lesson
(answering the quiz), and finds the course completed in "My learning".

Headless Chromium (/usr/bin/chromium) driven by Playwright against `live_server`. Strings of
Milieu's catalogues are asserted as gettext gives them in the page's language (`_t`).
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from milieu.core.testing import sign_in
from milieu.network.models import LessonCompletion

from . import toolkit_factories as f

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _t(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def _url(name: str, *args) -> str:
    with translation.override("fr"):
        return reverse(name, args=args)


@pytest.mark.django_db(transaction=True)
def test_a_resident_completes_a_course_and_sees_it_in_my_learning(live_server, new_page):
    w = f.world()
    course = f.course(lessons=2, title_fr="Mots de passe sûrs")
    first, last = course.lessons.all()
    page = new_page()
    sign_in(page, live_server.url, w.citizen)
    page.goto(live_server.url + _url("toolkit:list"))
    page.get_by_role("link", name="Mots de passe sûrs").click()
    page.get_by_role("link", name=first.title_fr).click()
    page.get_by_role("button", name=_t("Mark as completed")).click()
    # The next lesson, with its quiz: a wrong answer first, then the right one.
    expect(page.get_by_role("heading", name=last.title_fr)).to_be_visible()
    page.get_by_label("Vrai").check()
    page.get_by_role("button", name=_t("Check my answer")).click()
    expect(page.get_by_text(_t("That is not the right answer."))).to_be_visible()
    page.get_by_label("Faux").check()
    page.get_by_role("button", name=_t("Check my answer")).click()
    expect(page.get_by_text(_t("Course completed. Well done!"))).to_be_visible()
    page.get_by_role("link", name=_t("My learning")).first.click()
    mine = page.locator("#my-courses")
    expect(mine.get_by_role("link", name="Mots de passe sûrs")).to_be_visible()
    expect(mine.get_by_text(_t("Completed"), exact=True)).to_be_visible()
    assert LessonCompletion.objects.filter(user=w.citizen).count() == 2
