"""Short municipality codes used in citizen ids (BRO-2026-004217-7)."""

from collections.abc import Iterable


def municipality_code(slug: str, taken: Iterable[str] = ()) -> str:
    """Three capital letters from the slug, unique among `taken`.

    One word gives its first three letters (brossard → BRO); several give the first letter of the
    first word and the first two of the last (saint-lambert → SLA). A clash adds the next letters.
    """
    taken = set(taken)
    letters = [part for part in slug.upper().split("-") if part.isalpha()] or ["XXX"]
    base = letters[0] if len(letters) == 1 else letters[0][0] + letters[-1] + "".join(letters[1:-1])
    base = base.ljust(3, "X")
    candidates = [base[:3], *(base[:2] + extra for extra in base[3:]), base[:4], base[:5]]
    for candidate in candidates:
        if candidate not in taken and len(candidate) >= 2:
            return candidate
    for extra in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if base[:2] + extra not in taken:
            return base[:2] + extra
    raise ValueError(f"No free code for {slug}")
