"""The load harness's setup step, run by `bench/harness.py` in a subprocess with the production
environment of the run (the same settings, database and cache as the server). Not measured.

Reads a JSON request on stdin and writes a JSON answer on stdout:

- `sessions`: logs in each account as Django's `Client.force_login` does (which stands for the
  password and, for staff, the TOTP step) and saves the session in the production session
  backend; answers {email: session key} and the cookie names;
- `till_plan`: purchases a merchant can award at the till right now without hitting the earning
  caps: [[merchant email, merchant id, resident email], ...], round-robin over residents so that
  concurrent requests lock different wallets;
- `redeem_plan`: redemptions the sample residents can afford within the offers' stock and
  per-person limits: [[resident email, offer id], ...];
- `paths`: the French path of named pages in each town, {url name: {slug: path}}, leaving out
  the names the URLconf does not know yet.

A plan never asks for more than the data allows, so that every request of the write scenarios
should succeed: an error in those scenarios is an error of the application, not of the plan.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

UNCAPPED_AWARDS = 50  # awards per resident when the rule has no cap (the plan is bounded anyway)


def sessions(emails: list[str]) -> dict[str, Any]:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    from milieu.accounts.models import User

    engine = import_module(settings.SESSION_ENGINE)
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    missing = sorted(set(emails) - set(users))
    if missing:
        raise SystemExit(f"bench_setup: unknown accounts: {', '.join(missing[:5])}")
    keys = {}
    for email in emails:
        request = HttpRequest()
        request.session = engine.SessionStore()
        login(request, users[email], "milieu.accounts.backends.ModelBackend")  # as a password login
        request.session.save()
        keys[email] = request.session.session_key
    return {
        "sessions": keys,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }


def _interleave(groups: list[list[Any]]) -> list[Any]:
    return [item for row in zip_longest(*groups) for item in row if item is not None]


def till_plan(merchants: list[dict], residents: dict[str, list[str]], limit: int) -> list[list]:
    from django.utils import timezone

    from milieu.accounts.models import User
    from milieu.rewards.models import Account, EarningRule, Merchant
    from milieu.rewards.services import earned_in_period

    now = timezone.now()
    kind = f"earn:{EarningRule.Action.LOCAL_PURCHASE}"
    by_municipality: dict[str, list[dict]] = defaultdict(list)
    rows = Merchant.objects.select_related("program", "owner").in_bulk(
        [m["merchant_id"] for m in merchants]
    )
    for entry in merchants:
        merchant = rows.get(entry["merchant_id"])
        if merchant is not None and merchant.verified_at is not None:
            by_municipality[entry["municipality"]].append({**entry, "row": merchant})
    per_municipality: list[list[list]] = []
    for slug, its_merchants in sorted(by_municipality.items()):
        program = its_merchants[0]["row"].program
        rule = EarningRule.objects.filter(
            program=program, action=EarningRule.Action.LOCAL_PURCHASE, active=True
        ).first()
        if rule is None or rule.points == 0:
            continue
        users = User.objects.in_bulk(residents.get(slug, []), field_name="email")
        wallets = {
            a.user_id: a
            for a in Account.objects.filter(
                program=program, kind=Account.Kind.WALLET, user__in=users.values()
            )
        }
        rounds: list[list[str]] = []  # rounds[i]: residents who can take an (i+1)-th award
        for email, user in users.items():
            allowed = UNCAPPED_AWARDS
            wallet = wallets.get(user.pk)
            today, month = (
                earned_in_period(program=program, wallet=wallet, kind=kind, now=now)
                if wallet is not None
                else (0, 0)
            )
            if rule.daily_cap is not None:
                allowed = min(allowed, (rule.daily_cap - today) // rule.points)
            if rule.monthly_cap is not None:
                allowed = min(allowed, (rule.monthly_cap - month) // rule.points)
            for i in range(max(0, allowed)):
                if len(rounds) <= i:
                    rounds.append([])
                rounds[i].append(email)
        plan = []
        for index, email in enumerate(email for round_ in rounds for email in round_):
            merchant = its_merchants[index % len(its_merchants)]
            if merchant["row"].owner.email != email:  # a merchant cannot award itself
                plan.append([merchant["email"], merchant["merchant_id"], email])
        per_municipality.append(plan)
    return _interleave(per_municipality)[:limit]


def redeem_plan(offers: list[dict], residents: dict[str, list[str]], limit: int) -> list[list]:
    from django.db.models import Count
    from django.utils import timezone

    from milieu.accounts.models import User
    from milieu.rewards.models import Account, Offer, Voucher
    from milieu.rewards.services_offers import is_program_member

    now = timezone.now()
    rows = Offer.objects.select_related("merchant", "program").in_bulk([o["id"] for o in offers])
    issued = dict(
        Voucher.objects.filter(offer__in=rows)
        .values_list("offer")
        .annotate(n=Count("pk"))
        .values_list("offer", "n")
    )
    per_municipality: list[list[list]] = []
    for slug in sorted({o["municipality"] for o in offers}):
        available = [
            rows[o["id"]]
            for o in offers
            if o["municipality"] == slug
            and o["id"] in rows
            and rows[o["id"]].active
            and rows[o["id"]].valid_from <= now < rows[o["id"]].valid_until
            and (rows[o["id"]].merchant is None or rows[o["id"]].merchant.verified_at is not None)
        ]
        if not available:
            continue
        users = User.objects.in_bulk(residents.get(slug, []), field_name="email")
        balances = {
            (a.program_id, a.user_id): a.balance
            for a in Account.objects.filter(kind=Account.Kind.WALLET, user__in=users.values())
        }
        mine = defaultdict(
            int,
            {
                (offer, user): n
                for offer, user, n in Voucher.objects.filter(
                    offer__in=available, user__in=users.values()
                )
                .values_list("offer", "user")
                .annotate(n=Count("pk"))
                .values_list("offer", "user", "n")
            },
        )
        left = {o.pk: o.quantity - issued.get(o.pk, 0) for o in available}
        programs = {o.program_id: o.program for o in available}
        members = {
            (program_id, u.pk): is_program_member(u, program)
            for program_id, program in programs.items()
            for u in users.values()
        }
        plan = []
        progress, round_ = True, 0
        while progress and len(plan) < limit:
            progress = False
            # One redemption per resident per round, each starting at another offer, so that
            # concurrent requests do not all queue for the same offer's row lock.
            for index, (email, user) in enumerate(users.items()):
                start = (index + round_) % len(available)
                for offer in available[start:] + available[:start]:
                    balance = balances.get((offer.program_id, user.pk), 0)
                    if (
                        members[(offer.program_id, user.pk)]
                        and left[offer.pk] > 0
                        and mine[(offer.pk, user.pk)] < offer.per_person_limit
                        and balance >= offer.points_price
                    ):
                        plan.append([email, offer.pk])
                        left[offer.pk] -= 1
                        mine[(offer.pk, user.pk)] += 1
                        balances[(offer.program_id, user.pk)] = balance - offer.points_price
                        progress = True
                        break
            round_ += 1
        per_municipality.append(plan)
    return _interleave(per_municipality)[:limit]


def paths(names: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """The French path of each named page in each town; a name the URLconf does not know (its
    module not written yet) is left out, and the scenarios using it are skipped."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    found: dict[str, dict[str, str]] = {}
    with translation.override("fr"):
        for name, slugs in names.items():
            try:
                found[name] = {
                    slug: reverse(name, kwargs={"municipality_slug": slug}) for slug in slugs
                }
            except NoReverseMatch:
                continue
    return found


def main() -> None:
    import django

    django.setup()
    request = json.load(sys.stdin)
    answer: dict[str, Any] = {}
    if "sessions" in request:
        answer.update(sessions(request["sessions"]))
    if "paths" in request:
        answer["paths"] = paths(request["paths"])
    if "till" in request:
        spec = request["till"]
        answer["till_plan"] = till_plan(spec["merchants"], spec["residents"], spec["limit"])
    if "redeem" in request:
        spec = request["redeem"]
        answer["redeem_plan"] = redeem_plan(spec["offers"], spec["residents"], spec["limit"])
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
