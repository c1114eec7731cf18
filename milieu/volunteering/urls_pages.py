"""Organisations, opportunities, profiles, applications and hours (included by `urls.py`,
namespace `volunteering`)."""

urlpatterns: list = []
