"""Rules for a resident's answers: pure functions, no ORM, no request."""

import hashlib
import hmac
import json
import re
from collections.abc import Mapping

TOTAL_POINTS = 100
WHOLE_NUMBER = re.compile(r"([+-]?)([0-9]{1,6})")

ENTER_WHOLE_NUMBER = "Enter the points for outcome {number} as a whole number, like 20"
NOT_NEGATIVE = "Points for outcome {number} cannot be less than 0"
AT_MOST_100 = "Points for outcome {number} cannot be more than 100"
MUST_TOTAL_100 = "Your points must add up to 100. At the moment they add up to {total}."


def allocation_problems(points: Mapping[int, object]) -> dict[int | None, str]:
    """Plain-English problems with a set of allocations, by outcome number (None: the total).

    `points` maps each outcome number to what was typed (a string, an int or None for blank); blanks count
    as 0, so a resident can leave outcomes they do not want to give points to.
    """
    problems: dict[int | None, str] = {}
    total = 0
    for number, raw in sorted(points.items()):
        value = parse_points(raw)
        if value is None:
            problems[number] = ENTER_WHOLE_NUMBER.format(number=number)
        elif value < 0:
            problems[number] = NOT_NEGATIVE.format(number=number)
        elif value > TOTAL_POINTS:
            problems[number] = AT_MOST_100.format(number=number)
        else:
            total += value
    if not problems and total != TOTAL_POINTS:
        problems[None] = MUST_TOTAL_100.format(total=total)
    return problems


def parse_points(raw: object) -> int | None:
    """The whole number typed, 0 for a blank, None if it is not a whole number ("12.5", "ten")."""
    if raw is None:
        return 0
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if text == "":
        return 0
    match = WHOLE_NUMBER.fullmatch(text)  # ASCII digits only: "²" or "+-5" are not whole numbers
    return (-1 if match[1] == "-" else 1) * int(match[2]) if match else None


def running_total(points: Mapping[int, object]) -> int:
    """The sum of the valid whole numbers typed so far (what the page shows as the current total)."""
    return sum(v for v in (parse_points(raw) for raw in points.values()) if v is not None)


def answers_fingerprint(answers: Mapping) -> str:
    """A stable hash of a response's answers, to spot the same response sent twice."""
    canonical = json.dumps(answers, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_key(*, secret: str, address: str) -> str:
    """A keyed hash of the client's network address (knowsley_sv.client.client_address), the key of the rate
    limits and of the suspected-duplicate flag: whatever the browser says it is, the same address is the same
    client. Used only as a cache key; never stored."""
    return _keyed(secret, address)


def device_key(*, secret: str, address: str, user_agent: str) -> str:
    """A keyed hash of the address and the browser, the key of "the same answers sent twice are accepted
    once": a double click or a retry comes from the same browser, while two residents behind one address
    (an office, a library) must each get their own receipt. Used only as a cache key; never stored."""
    return _keyed(secret, address, user_agent)


def _keyed(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "|".join(parts).encode(), hashlib.sha256).hexdigest()[:32]
