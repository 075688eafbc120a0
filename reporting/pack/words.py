"""How the review pack words its figures (pure): counts with their noun, and lists in GOV.UK style."""

from collections.abc import Sequence


def plural(n: int, one: str, many: str, *, no_for_zero: bool = False) -> str:
    """ "1 tender", "1,200 tenders"; with `no_for_zero`, "No tenders" for none."""
    if n == 0 and no_for_zero:
        return f"No {many}"
    return f"{n:,} {one if n == 1 else many}"


def listing(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C" (no serial comma)."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
