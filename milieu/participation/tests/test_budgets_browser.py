"""A participatory budget in a real browser: a resident picks projects over the budget and
sees the live total turn into the clear message; submitting anyway, the server refuses with
the same message and the same boxes checked; then the resident picks within the budget and the
vote is recorded."""

import pytest
from playwright.sync_api import expect

from milieu.core.testing import sign_in

from ..models import Ballot, BudgetVote
from .factories_budgets import budget, resident, town

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OVER = (
    "Your choices cost $1,250,000, more than the budget of $1,000,000. Remove a project to stay "
    "within the budget."
)


def test_over_the_budget_then_within_it(live_server, new_page):
    m = town(name="Brossard")
    consultation = budget(
        m,
        title_fr="Budget participatif 2027",
        projects=(("Parc", 400_000), ("Piste cyclable", 600_000), ("Jardin", 250_000)),
    )
    person = resident(m)
    page = new_page()
    sign_in(page, live_server.url, person)
    page.goto(f"{live_server.url}/en/{m.slug}/participation/budgets/{consultation.pk}/")

    total = page.locator("#budget-total")
    over = page.locator("#budget-over")
    expect(total).to_contain_text("$0")
    for label in ("Parc", "Piste cyclable", "Jardin"):
        page.get_by_label(label).check()
    expect(total).to_contain_text("$1,250,000")
    expect(over).to_be_visible()
    expect(over).to_have_text(OVER)

    page.get_by_role("button", name="Vote").click()  # the server refuses regardless
    expect(page.locator("#error-summary")).to_contain_text(OVER)
    expect(page.get_by_label("Piste cyclable")).to_be_checked()
    assert Ballot.objects.count() == 0

    page.get_by_label("Piste cyclable").uncheck()
    expect(total).to_contain_text("$650,000")
    expect(over).to_be_hidden()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    assert BudgetVote.objects.filter(consultation=consultation).count() == 1
    assert sorted(BudgetVote.objects.get().items.values_list("project__title_fr", flat=True)) == [
        "Jardin",
        "Parc",
    ]
