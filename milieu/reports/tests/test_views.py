"""The public problem-report pages: the module's home, filing a report (with photos, extra
questions, similar reports nearby, errors that keep what was typed), a report's page and
photos, my reports; who sees what; query counts; three languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.core.testing import assert_constant_queries, client_for, jpeg_bytes, upload_file

from ..models import Report, ReportPhoto, ReportStatus
from . import factories as f

pytestmark = pytest.mark.django_db


def url(name: str, municipality, *args) -> str:
    return reverse(f"reports:{name}", args=[municipality.slug, *args])


def form_data(category, *, at=f.BROSSARD, **extra) -> dict:
    return {
        "category": category.code,
        "description": "Un gros trou devant le 12.",
        "latitude": str(at[0]),
        "longitude": str(at[1]),
        "address": "12 rue Principale",
        **extra,
    }


# --- Home and my reports ------------------------------------------------------------------------


def test_home_offers_to_file_and_lists_the_towns_recent_reports_in_constant_queries():
    here = f.town()
    pothole = f.category(here)
    author = f.member(here)

    def add(n: int) -> list[str]:
        return [f"#{f.report(here, category_=pothole, actor=author).pk}" for _ in range(n)]

    client = client_for(None)
    assert_constant_queries(client, url("home", here), add, few=2, many=8)
    body = client.get(url("home", here)).content.decode()
    assert url("report_new", here) in body
    assert author.display_name not in body


def test_home_pages_the_recent_reports_with_a_cursor():
    here = f.town()
    pothole = f.category(here)
    for _ in range(21):
        f.report(here, category_=pothole)
    first = client_for(None).get(url("home", here))
    cursor = first.context["next_cursor"]
    assert len(first.context["recent"]) == 20 and cursor
    second = client_for(None).get(url("home", here), {"cursor": cursor})
    assert len(second.context["recent"]) == 1
    assert second.context["next_cursor"] is None


def test_home_shows_my_latest_reports_to_me():
    here = f.town()
    me = f.member(here)
    mine = f.report(here, actor=me)
    body = client_for(me).get(url("home", here)).content.decode()
    assert url("report", here, mine.pk) in body
    assert "My latest reports" in body or "Mes derniers" in body


def test_my_reports_lists_mine_only_with_their_status_in_constant_queries():
    here = f.town()
    me = f.member(here)
    other = f.report(here)
    pothole = f.category(here)

    def add(n: int) -> list[str]:
        return [f"#{f.report(here, category_=pothole, actor=me).pk}" for _ in range(n)]

    client = client_for(me)
    assert_constant_queries(client, url("mine", here), add, few=2, many=8)
    body = client.get(url("mine", here)).content.decode()
    assert f"#{other.pk} " not in body
    assert str(ReportStatus.OPEN.label) in body


def test_my_reports_asks_a_visitor_to_log_in():
    here = f.town()
    response = client_for(None).get(url("mine", here))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_pages_do_not_exist_where_the_module_is_off():
    here = f.town(modules=())
    assert client_for(None).get(url("home", here)).status_code == 404
    assert client_for(f.member(here)).get(url("report_new", here)).status_code == 404


# --- Filing a report ----------------------------------------------------------------------------


def test_the_form_offers_the_towns_categories_with_their_extra_questions():
    here, there = f.town(), f.town()
    pothole = f.category(here, attributes=f.attributes())
    elsewhere = f.category(there, name_en="Elsewhere only")
    with translation.override("en"):
        response = client_for(f.member(here)).get(url("report_new", here))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{pothole.code}"' in body
    assert elsewhere.code not in body
    assert "How big is it?" in body and f'name="attr-{pothole.code}-size"' in body
    assert 'type="file"' in body and 'accept="image/' in body
    assert 'name="lat"' in body and 'name="latitude"' in body
    assert "data-report-locate" in body


def test_filing_a_report_with_a_photo_saves_it_and_shows_its_page():
    here = f.town()
    pothole = f.category(here)
    me = f.member(here)
    response = client_for(me).post(
        url("report_new", here),
        {**form_data(pothole), "image_1": upload_file(jpeg_bytes()), "alt_1": "Le trou"},
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("report", here, report.pk)
    assert (report.reporter, report.category, report.status) == (me, pothole, "open")
    assert (report.latitude, report.longitude) == f.BROSSARD
    assert report.address == "12 rue Principale"
    assert report.source == "web"
    photo = ReportPhoto.objects.get(report=report)
    assert photo.alt_text == "Le trou"


def test_the_point_the_browser_gave_is_used_when_none_is_typed():
    here = f.town()
    pothole = f.category(here)
    data = {**form_data(pothole, latitude="", longitude=""), "lat": "45.4590", "lng": "-73.4660"}
    data["latitude"], data["longitude"] = "", ""
    response = client_for(f.member(here)).post(url("report_new", here), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (45.459, -73.466)


def test_bad_input_shows_the_errors_on_the_fields_keeps_what_was_typed_and_saves_nothing():
    here = f.town()
    pothole = f.category(here)
    data = {
        **form_data(pothole, description=""),
        "latitude": "north",
        "address": "Coin Taschereau",
        "image_1": upload_file(jpeg_bytes()),
    }
    with translation.override("en"):
        response = client_for(f.member(here)).post(url("report_new", here), data)
    body = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 400
    assert set(form.errors) == {"description", "latitude"}
    assert 'value="Coin Taschereau"' in body
    assert 'value="north"' in body
    assert "choose them again" in body
    assert Report.objects.count() == 0


def test_a_missing_point_is_an_error_on_the_latitude():
    here = f.town()
    pothole = f.category(here)
    response = client_for(f.member(here)).post(
        url("report_new", here), form_data(pothole, latitude="", longitude="")
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["latitude"]
    assert Report.objects.count() == 0


def test_the_services_refusal_of_a_far_point_is_shown_on_the_latitude():
    here = f.town()
    pothole = f.category(here)
    response = client_for(f.member(here)).post(
        url("report_new", here), form_data(pothole, at=f.MAGOG)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["latitude"]
    assert Report.objects.count() == 0


def test_a_required_extra_question_must_be_answered_and_answers_are_kept():
    here = f.town()
    pothole = f.category(here, attributes=f.attributes())
    client = client_for(f.member(here))
    size, depth = f"attr-{pothole.code}-size", f"attr-{pothole.code}-depth"
    response = client.post(url("report_new", here), form_data(pothole, **{size: "large"}))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [depth]
    assert Report.objects.count() == 0
    sides = f"attr-{pothole.code}-sides"
    response = client.post(
        url("report_new", here),
        form_data(pothole, **{size: "large", depth: "12", sides: ["north", "south"]}),
    )
    assert response.status_code == 302
    assert Report.objects.get().attributes == {
        "size": "large",
        "depth": 12,
        "sides": ["north", "south"],
    }


def test_a_first_sending_with_a_similar_open_report_nearby_shows_it_and_files_nothing():
    here = f.town()
    pothole = f.category(here)
    there = f.report(here, category_=pothole, at=f.offset(f.BROSSARD, north_m=30))
    client = client_for(f.member(here))
    with translation.override("en"):
        response = client.post(url("report_new", here), form_data(pothole))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Similar open reports nearby" in body
    assert f"/{here.slug}/reports/{there.pk}/" in body
    assert "This is my problem too — follow it" in body
    assert 'name="anyway"' in body
    assert Report.objects.count() == 1
    response = client.post(url("report_new", here), {**form_data(pothole), "anyway": "1"})
    assert response.status_code == 302
    assert Report.objects.count() == 2


def test_reports_further_than_50_m_of_another_category_or_closed_are_not_suggested():
    here = f.town()
    pothole, light = f.category(here), f.category(here)
    f.report(here, category_=pothole, at=f.offset(f.BROSSARD, north_m=80))
    f.report(here, category_=light, at=f.BROSSARD)
    closed = f.report(here, category_=pothole, at=f.BROSSARD)
    Report.objects.filter(pk=closed.pk).update(status=ReportStatus.CLOSED_FIXED)
    response = client_for(f.member(here)).post(url("report_new", here), form_data(pothole))
    assert response.status_code == 302
    assert Report.objects.count() == 4


def test_the_nearby_part_draws_the_point_and_lists_similar_reports():
    here = f.town()
    pothole = f.category(here)
    there = f.report(here, category_=pothole, at=f.offset(f.BROSSARD, east_m=20))
    query = {"category": pothole.code, "latitude": f.BROSSARD[0], "longitude": f.BROSSARD[1]}
    response = client_for(f.member(here)).get(url("nearby", here), query, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<html" not in body
    assert url("report", here, there.pk) in body
    empty = client_for(None).get(url("nearby", here), {"category": pothole.code})
    assert url("report", here, there.pk) not in empty.content.decode()
    assert "<svg" not in empty.content.decode()


def test_a_visitor_logs_in_and_another_towns_member_may_not_file():
    here, there = f.town(), f.town()
    pothole = f.category(here)
    response = client_for(None).post(url("report_new", here), form_data(pothole))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client_for(f.member(there)).post(url("report_new", here), form_data(pothole))
    assert response.status_code == 403
    assert Report.objects.count() == 0


# --- A report and its photos --------------------------------------------------------------------


def _report_with_photo(here):
    reporter = f.member(here, display_name="Rita Reporter")
    report = f.report(here, actor=reporter, photos=[f.photo("Un trou")])
    return reporter, report


def test_a_reports_page_shows_everyone_its_public_part_and_no_name_nor_photo():
    here = f.town()
    _reporter, report = _report_with_photo(here)
    photo = report.photos.get()
    with translation.override("en"):
        response = client_for(None).get(url("report", here, report.pk))
        name = str(report.category)
    body = response.content.decode()
    assert response.status_code == 200
    assert name in body and "Open" in body
    assert "Rita Reporter" not in body
    assert url("photo", here, report.pk, photo.pk) not in body
    assert "<svg" in body


def test_the_reporter_and_staff_see_the_photos_others_do_not():
    here, there = f.town(), f.town()
    _reporter, report = _report_with_photo(here)
    photo = report.photos.get()
    photo_url = url("photo", here, report.pk, photo.pk)
    for actor in (_reporter, f.staff(here)):
        assert photo_url in client_for(actor).get(url("report", here, report.pk)).content.decode()
        answer = client_for(actor).get(photo_url)
        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/jpeg"
        assert answer["Cache-Control"] == "private, max-age=3600"
    for actor in (f.member(here), f.member(there), f.staff(there)):
        assert (
            photo_url not in client_for(actor).get(url("report", here, report.pk)).content.decode()
        )
        assert client_for(actor).get(photo_url).status_code == 404
    assert client_for(None).get(photo_url).status_code == 302


def test_a_report_of_another_town_is_not_found_here():
    here, there = f.town(), f.town()
    report = f.report(there)
    assert client_for(None).get(url("report", here, report.pk)).status_code == 404
    assert client_for(f.staff(here)).get(url("report", here, report.pk)).status_code == 404


def test_the_reports_page_shows_the_public_notes_not_the_internal_ones():
    from .. import services

    here = f.town()
    officer = f.staff(here)
    report = f.report(here)
    services.report_add_note(actor=officer, report=report, note="Équipe en route", internal=False)
    services.report_add_note(actor=officer, report=report, note="Secret interne", internal=True)
    body = client_for(None).get(url("report", here, report.pk)).content.decode()
    assert "Équipe en route" in body and "Secret interne" not in body
    staff_body = client_for(officer).get(url("report", here, report.pk)).content.decode()
    assert "Secret interne" in staff_body


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_pages_render_in_three_languages(language):
    here = f.town()
    me = f.member(here)
    report = f.report(here, actor=me)
    client = client_for(me)
    with translation.override(language):
        pages = [
            url("home", here),
            url("report_new", here),
            url("mine", here),
            url("report", here, report.pk),
        ]
    for page in pages:
        assert page.startswith(f"/{language}/")
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{language}"' in response.content.decode()


# --- Who may open each public page --------------------------------------------------------------

LOGIN = "login"
PUBLIC_MATRIX = {
    # page: outcome for anonymous, citizen (the reporter), citizen_other, staff, staff_other
    "home": (200, 200, 200, 200, 200),
    "report_new": (LOGIN, 200, 403, 200, 403),
    "mine": (LOGIN, 200, 200, 200, 200),
    "report": (200, 200, 200, 200, 200),
    "photo": (LOGIN, 200, 404, 200, 404),
}


@pytest.mark.parametrize("page", list(PUBLIC_MATRIX))
def test_every_kind_of_reader_gets_the_expected_answer_on_each_public_page(page):
    here, there = f.town(), f.town()
    reporter, report = _report_with_photo(here)
    photo = report.photos.get()
    args = {"report": [report.pk], "photo": [report.pk, photo.pk]}.get(page, [])
    actors = (None, reporter, f.member(there), f.staff(here), f.staff(there))
    before = (Report.objects.count(), ReportPhoto.objects.count())
    for actor, expected in zip(actors, PUBLIC_MATRIX[page], strict=True):
        response = client_for(actor).get(url(page, here, *args))
        if expected == LOGIN:
            assert response.status_code == 302 and "/login/" in response["Location"], actor
        else:
            assert response.status_code == expected, (page, actor)
    assert (Report.objects.count(), ReportPhoto.objects.count()) == before


def test_filing_is_refused_to_every_reader_but_the_towns_members_and_nothing_is_saved():
    here, there = f.town(), f.town()
    pothole = f.category(here)
    for actor, expected in ((None, 302), (f.member(there), 403), (f.staff(there), 403)):
        response = client_for(actor).post(url("report_new", here), form_data(pothole))
        assert response.status_code == expected
    assert Report.objects.count() == 0
    assert (
        client_for(f.staff(here)).post(url("report_new", here), form_data(pothole)).status_code
        == 302
    )


@pytest.mark.parametrize("language", ["fr", "en", "es"])
def test_the_staff_pages_render_in_three_languages(language):
    here = f.town()
    officer = f.staff(here)
    report = f.report(here)
    with translation.override(language):
        pages = [
            reverse("reports_staff:queue", args=[here.slug]),
            reverse("reports_staff:report", args=[here.slug, report.pk]),
            reverse("reports_staff:categories", args=[here.slug]),
            reverse("reports_staff:category_edit", args=[here.slug, report.category_id]),
            reverse("reports_staff:keys", args=[here.slug]),
        ]
    client = client_for(officer)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert f'<html lang="{language}"' in response.content.decode()
