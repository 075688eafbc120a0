"""Scale-out: two gunicorn instances (ports A and B) on the same PostgreSQL and Redis, as two app servers
behind a load balancer. Prints PASS/FAIL for each property; exits 1 if any fails.

    bench/scaleout.sh [--port-a 8771] [--port-b 8772] [--attempts 25]

(a) the submission rate limit (20/h per client address) is shared: attempts alternating between A and B from
    one client are refused (429) at the same attempt as attempts all sent to A (the two clients have their
    own addresses in X-Forwarded-For, the servers running as behind a load balancer);
(b) public consultation results are the same on A and B, and both show a new response at once (the cached
    results are invalidated in the shared cache, not per process);
(c) a session made on A works on B (sessions live in PostgreSQL, read through Redis; the secret key is
    shared);
(d) a consultation saved by another process shows at once on A's and B's public pages (which read it from
    the shared cache).
"""

import argparse
import ipaddress
import re
import secrets
import sys
from datetime import UTC, datetime

from common import Browser, Gunicorn, answer_steps, app_env, django_task, log, prepare_app, submit
from django_pages import pages

MAIN = re.compile(r"<main\b.*?</main>", re.S)
NOISE = re.compile(r'\s(nonce|value)="[^"]*"')
COUNT = re.compile(r"([\d,]+) responses[.;,]")
WARD_OPTION = re.compile(r'<option value="(\d+)"')
RESULTS = []


def check(name: str, ok: bool, detail: str) -> None:
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def main_of(page: str) -> str:
    found = MAIN.search(page)
    return NOISE.sub("", found.group(0)) if found else page


def rate_limit_refusals(bases: list[str], slug: str, address: str, attempts: int) -> list[int]:
    """`attempts` complete answers from one client address (a new browser each time: the limit keys on the
    address alone), sent in turn to each of `bases`; the statuses of the final POSTs."""
    statuses = []
    for i in range(attempts):
        browser = Browser(bases[i % len(bases)], f"ksv-scaleout/{address}/{i}", address=address)
        page, _ = answer_steps(browser, slug, i)
        statuses.append(submit(browser, slug, page))
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-a", type=int, default=8771)
    parser.add_argument("--port-b", type=int, default=8772)
    parser.add_argument("--attempts", type=int, default=25)
    args = parser.parse_args()
    env = app_env()  # one environment (secret key, database, cache) for both servers
    env["DJANGO_CONSULTATION_SUBMIT_RATE"] = "20/h"  # the production default, reached within --attempts
    env["DJANGO_BEHIND_PROXY"] = "1"  # each client's address from X-Forwarded-For, as behind a load balancer
    targets = prepare_app(env)
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    open_slug = f"bench-scaleout-open-{run}"
    closed_slug = f"bench-scaleout-closed-{run}"
    django_task(env, "consultation", open_slug, "open")
    django_task(env, "consultation", closed_slug, "closed", "12")

    with Gunicorn(env, args.port_a) as a, Gunicorn(env, args.port_b) as b:
        # (a) the rate limit is shared
        # Two addresses of this run's own (the benchmarking range, 198.18.0.0/15): limits counted by an
        # earlier run within the hour stay in Redis.
        first = ipaddress.ip_address("198.18.0.0") + 2 * secrets.randbelow(2**15)
        both = rate_limit_refusals([a.base, b.base], open_slug, str(first), args.attempts)
        one = rate_limit_refusals([a.base], open_slug, str(first + 1), args.attempts)
        first_both = both.index(429) + 1 if 429 in both else None
        first_one = one.index(429) + 1 if 429 in one else None
        check(
            "(a) rate limit shared",
            first_both is not None and first_both == first_one and both.count(302) == one.count(302),
            f"alternating A/B: {both.count(302)} accepted, first 429 at attempt {first_both}; "
            f"all to A: {one.count(302)} accepted, first 429 at attempt {first_one}",
        )

        # (b) results the same on both, and right after a new response
        url = f"/consultations/{closed_slug}/results/"
        visitor_a, visitor_b = Browser(a.base, "ksv-scaleout-reader"), Browser(b.base, "ksv-scaleout-reader")
        pages_a = [visitor_a.get(url)[2] for _ in range(2)]  # the second from the cache
        pages_b = [visitor_b.get(url)[2] for _ in range(2)]
        before = {main_of(p) for p in pages_a + pages_b}
        count_before = int(COUNT.search(pages_a[0]).group(1).replace(",", ""))
        check("(b) results the same on A and B", len(before) == 1, f"{count_before} responses on both")
        officer = Browser(a.base, "ksv-scaleout-officer")
        officer.sign_in(targets["board_user"], env["BENCH_PASSWORD"])
        form_url = f"/consultations/{closed_slug}/manage/responses/new/"
        _, _, form = officer.get(form_url)
        today = datetime.now().date()  # noqa: DTZ005 (the app's local date; same machine)
        status, _, _ = officer.post_form(
            form_url,
            form,
            {
                "channel": "paper",
                "received_on_0": today.day,
                "received_on_1": today.month,
                "received_on_2": today.year,
                **{f"points_{n}": (100 if n == 1 else 0) for n in range(1, 7)},
                "ward": WARD_OPTION.findall(form)[0],
                "consent_to_quote": "no",
            },
        )
        after_b = visitor_b.get(url)[2]  # B first: it had the old results cached
        after_a = visitor_a.get(url)[2]
        count_b = int(COUNT.search(after_b).group(1).replace(",", ""))
        count_a = int(COUNT.search(after_a).group(1).replace(",", ""))
        check(
            "(b) a new response shows at once on both",
            status == 302 and count_a == count_b == count_before + 1 and main_of(after_a) == main_of(after_b),
            f"paper response entered on A ({status}); B then shows {count_b}, A shows {count_a} "
            f"(was {count_before})",
        )

        # (c) a session made on A works on B
        board = Browser(a.base, "ksv-scaleout-board")
        board.sign_in(targets["board_user"], env["BENCH_PASSWORD"])
        on_b = board.with_base(b.base)
        status_b, location, _ = on_b.get("/dashboard/")
        check(
            "(c) a session made on A works on B",
            status_b == 200,
            f"signed in on A; GET /dashboard/ on B: {status_b} {location}".strip(),
        )
        # (d) a consultation changed elsewhere shows at once on both servers' public pages (their copy of it
        # is in the shared cache)
        start = f"/consultations/{open_slug}/"
        reader = Browser(a.base, "ksv-scaleout-start")
        old = [reader.get(start)[2], reader.with_base(b.base).get(start)[2]]
        title = f"Renamed in another process {run}"
        django_task(env, "rename-consultation", open_slug, title)
        new = [reader.with_base(b.base).get(start)[2], reader.get(start)[2]]
        check(
            "(d) a consultation changed elsewhere shows at once on both",
            all(title not in p for p in old) and all(title in p for p in new),
            f"title saved by another process; B then shows it: {title in new[0]}, A: {title in new[1]}",
        )
        for name, (username, path) in pages(targets).items():
            if username:
                continue
            same = main_of(Browser(a.base).get(path)[2]) == main_of(Browser(b.base).get(path)[2])
            log(f"{name}: {'same' if same else 'different'} on A and B")
    # Bench consultations must not become "the latest closed consultation" of the dashboard.
    django_task(env, "delete-consultation", closed_slug)
    django_task(env, "delete-consultation", open_slug)
    print("PASS all" if all(RESULTS) else "FAIL some")
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
