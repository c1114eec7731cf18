"""Who may do what with problem reports, as `rules` predicates.

A person with an account who belongs to a municipality (a member: resident or not) files reports
there while the municipality has the module on. The municipality's staff, with MFA, handle them
(status, department, notes) and manage the categories, departments and Open311 keys. A report's
public part (category, status, description, point, public note) is everyone's; its private part
(reporter, email for updates, photos, internal notes) is seen by its reporter and the staff.
An Open311 client files reports with its key, checked by the services (`open311_client_for_key`).
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_member, is_municipal_staff
from milieu.core import modules

MODULE = "reports"


@rules.predicate
def module_enabled(user, municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def is_city_staff(user, municipality) -> bool:
    return bool(is_municipal_staff(user, municipality)) and bool(has_mfa(user))


@rules.predicate
def can_file_report(user, municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and module_enabled(user, municipality)
        and is_member(user, municipality)
    )


@rules.predicate
def can_handle_reports(user, municipality) -> bool:
    return bool(user.is_authenticated and user.is_active and is_city_staff(user, municipality))


@rules.predicate
def is_reporter(user, report) -> bool:
    return bool(user.is_authenticated and report.reporter_id == user.pk)


@rules.predicate
def can_see_private(user, report) -> bool:
    """The reporter and the municipality's staff see who reported, the photos and the notes."""
    return bool(is_reporter(user, report)) or bool(can_handle_reports(user, report.municipality))


@rules.predicate
def can_handle_report(user, report) -> bool:
    return bool(can_handle_reports(user, report.municipality))


rules.add_perm("reports.file_report", can_file_report)
rules.add_perm("reports.handle_report", can_handle_reports)  # object: the municipality
rules.add_perm("reports.handle_this_report", can_handle_report)  # object: the report
rules.add_perm("reports.manage_categories", can_handle_reports)  # object: the municipality
rules.add_perm("reports.manage_clients", can_handle_reports)  # object: the municipality
rules.add_perm("reports.view_private_report", can_see_private)  # object: the report
