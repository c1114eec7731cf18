"""The survey's pages: its section of the consultation page (the form, or why one cannot
answer), answering, and the staff's question editor."""

from __future__ import annotations


def consultation_section(request, consultation) -> str:
    return ""
