"""Who may do what with council meetings, as `rules` predicates.

A published meeting (and one held or cancelled after it was published) is public in a
municipality that has the module on: its agenda, documents, minutes, and how many questions
each agenda item received. Drafts are the staff's. Verified residents of the municipality (trust
level `RESIDENT`) send questions while the meeting is published and its questions are open,
and withdraw their own before the close. Elected officials and staff (both with MFA) read the
questions with their authors' display names. Only staff (with MFA) manage meetings and answer
questions: an elected official manages nothing.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from milieu.accounts.models import TrustLevel
from milieu.accounts.permissions import (
    has_mfa,
    has_trust_level,
    is_elected_official,
    is_municipal_staff,
)
from milieu.core import modules

MODULE = "council"


@rules.predicate
def module_enabled(user, municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def is_council_staff(user, municipality) -> bool:
    return bool(is_municipal_staff(user, municipality)) and bool(has_mfa(user))


@rules.predicate
def reads_questions(user, municipality) -> bool:
    """Elected officials and staff of the municipality, with MFA."""
    if not (user.is_authenticated and user.is_active and has_mfa(user)):
        return False
    return bool(is_municipal_staff(user, municipality) or is_elected_official(user, municipality))


is_resident_here = has_trust_level(TrustLevel.RESIDENT)


@rules.predicate
def can_see_meeting(user, meeting) -> bool:
    if not module_enabled(user, meeting.municipality):
        return False
    return meeting.is_public or bool(is_council_staff(user, meeting.municipality))


@rules.predicate
def can_ask(user, meeting) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and module_enabled(user, meeting.municipality)
        and meeting.questions_open(timezone.now())
        and is_resident_here(user, meeting.municipality)
    )


@rules.predicate
def can_withdraw(user, question) -> bool:
    return bool(
        user.is_authenticated
        and question.author_id == user.pk
        and question.status == "submitted"
        and question.meeting.questions_open(timezone.now())
    )


can_manage = is_council_staff & module_enabled
can_read_questions = reads_questions & module_enabled

rules.add_perm("participation.view_meeting", can_see_meeting)
rules.add_perm("participation.manage_council", can_manage)
rules.add_perm("participation.read_council_questions", can_read_questions)
rules.add_perm("participation.ask_council_question", can_ask)
rules.add_perm("participation.withdraw_council_question", can_withdraw)
