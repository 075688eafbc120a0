"""Load benchmark: gunicorn (2 workers, production settings) against PostgreSQL and Redis, one table.

    bench/run.sh [--duration 20] [--concurrency 8] [--label after] [--wait]

See bench/README.md. Prints the table on stdout (progress on stderr) and writes bench/results/<label>.json.
"""

import argparse
import json
import platform
import subprocess
import threading
import time
from datetime import UTC, datetime
from queue import Empty, SimpleQueue

from common import (
    BENCH,
    Browser,
    Gunicorn,
    answer_steps,
    app_env,
    django_task,
    log,
    percentile,
    prepare_app,
    run_threads,
    submit,
)

FLOOR = "trivial /accessibility/"


def wait_for_scale(env: dict, responses: int, poll: int) -> None:
    """Wait until the scale database is filled: >= `responses` responses and an award."""
    url = env["DATABASE_URL"]
    while True:
        try:
            out = subprocess.run(
                [
                    "psql",
                    url,
                    "-tAc",
                    "SELECT (SELECT count(*) FROM consultation_response), "
                    "(SELECT count(*) FROM procurement_award)",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            n_responses, n_awards = (int(x) for x in out.split("|"))
            if n_responses >= responses and n_awards > 0:
                log(f"scale data ready: {n_responses} responses, {n_awards} awards")
                return
            log(f"waiting for scale data: {n_responses} responses, {n_awards} awards")
        except (subprocess.CalledProcessError, ValueError) as error:
            log(f"waiting for the scale database ({str(error).strip()[:80]})")
        time.sleep(poll)


def wrk(url: str, duration: int, concurrency: int, cookie: str | None) -> dict:
    cmd = [
        "wrk",
        "-t2",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(BENCH / "report.lua"),
        url,
    ]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line[len("WRKJSON ") :])


def python_floor(base: str, duration: int, concurrency: int) -> dict:
    """The trivial page through the same Python client as the submissions, for a like-for-like ratio."""
    deadline = time.time() + duration

    def worker(i):
        browser = Browser(base, f"ksv-bench-floor/{i}")
        while time.time() < deadline:
            browser.get("/accessibility/")
        return browser.timings

    started = time.time()
    timings = [t for ts in run_threads(concurrency, worker) for t in ts]
    seconds = time.time() - started
    return _summary([t[2] for t in timings], len(timings), seconds, [t[1] for t in timings])


def journeys(base: str, slug: str, duration: int, concurrency: int, run_id: str) -> dict:
    """Residents answering through the real forms, back to back, for `duration` seconds.

    Each iteration is a new resident (new cookies, new User-Agent; all from 127.0.0.1, so app_env sets the
    per-address rate limit out of reach): GET+POST points, comments, about you; GET check; POST check
    (stores the response); GET done.
    """
    deadline = time.time() + duration
    lock = threading.Lock()
    counter = [0]

    def worker(i):
        timings, stored, refused = [], 0, 0
        while time.time() < deadline:
            with lock:
                counter[0] += 1
                number = counter[0]
            browser = Browser(base, f"ksv-bench-resident/{run_id}/{number}")
            page, _ = answer_steps(browser, slug, number)
            status = submit(browser, slug, page)
            if status == 302:
                stored += 1
                browser.get(f"/consultations/{slug}/respond/done/", label="GET done")
            else:
                refused += 1
            timings.extend(browser.timings)
        return timings, stored, refused

    started = time.time()
    results = run_threads(concurrency, worker)
    seconds = time.time() - started
    timings = [t for r in results for t in r[0]]
    stored, refused = sum(r[1] for r in results), sum(r[2] for r in results)
    final = [t for t in timings if t[0] == "POST check"]
    return {
        "all": _summary([t[2] for t in timings], len(timings), seconds, [t[1] for t in timings]),
        "final": _summary([t[2] for t in final], stored, seconds, [t[1] for t in final]),
        "stored": stored,
        "refused": refused,
        "requests_per_journey": len(timings) / max(1, stored + refused),
    }


def ready_at_check(base: str, slug: str, residents: int, concurrency: int, run_id: str) -> SimpleQueue:
    """`residents` new residents who have answered the first three steps and opened the check page."""
    ready: SimpleQueue = SimpleQueue()
    counter = iter(range(residents))
    lock = threading.Lock()

    def prepare(i):
        while True:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            browser = Browser(base, f"ksv-bench-submit/{run_id}/{number}")
            page, _ = answer_steps(browser, slug, 1_000_000 + number)
            ready.put((browser, page))

    run_threads(concurrency, prepare)
    return ready


def send_final_posts(slug: str, ready: SimpleQueue, concurrency: int) -> tuple[list, int, float]:
    """Every ready resident sends the final POST (which stores the response), `concurrency` in flight:
    the POSTs' timings, how many were stored, and the seconds it took."""

    def send(i):
        timings, stored = [], 0
        while True:
            try:
                browser, page = ready.get_nowait()
            except Empty:
                return timings, stored
            stored += submit(browser, slug, page) == 302
            timings.extend(t for t in browser.timings if t[0] == "POST check")

    started = time.time()
    results = run_threads(concurrency, send)
    seconds = time.time() - started
    return [t for r in results for t in r[0]], sum(r[1] for r in results), seconds


def submissions(base: str, slug: str, residents: int, concurrency: int, run_id: str) -> dict:
    """The throughput of submissions themselves: `residents` residents first answer the three steps and
    open the check page (not timed), then every one sends the final POST (which stores the response), with
    `concurrency` in flight, and that phase is timed: stored responses a second."""
    ready = ready_at_check(base, slug, residents, concurrency, run_id)
    timings, stored, seconds = send_final_posts(slug, ready, concurrency)
    return {**_summary([t[2] for t in timings], stored, seconds, [t[1] for t in timings]), "stored": stored}


def _summary(latencies: list[float], count: int, seconds: float, statuses: list[int]) -> dict:
    return {
        "requests": count,
        "seconds": round(seconds, 3),
        "rps": count / seconds,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "errors": sum(1 for s in statuses if s >= 400),
        "statuses": sorted(set(statuses)),
    }


def table(rows: list[dict]) -> str:
    head = ["page", "p50 ms", "p95 ms", "req/s", "p50 / floor", "req/s / floor", "queries", "errors"]
    body = [
        [
            r["page"],
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['rps']:.1f}",
            f"{r['p50_ratio']:.2f}x",
            f"{r['rps_ratio']:.0%}",
            r["queries"],
            str(r["errors"]),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in body
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per page (default 20)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections / virtual users (default 8)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--label", default="run", help="names bench/results/<label>.json")
    parser.add_argument(
        "--residents", type=int, default=1500, help="residents for the submissions row (default 1,500)"
    )
    parser.add_argument("--wait", action="store_true", help="wait for the scale data set (seed_scale)")
    parser.add_argument("--wait-responses", type=int, default=100_000)
    args = parser.parse_args()

    env = app_env()
    if args.wait:
        wait_for_scale(env, args.wait_responses, poll=30)
    log("migrate, collectstatic, bench users and targets ...")
    targets = prepare_app(env)
    log(json.dumps(targets))
    targets_file = BENCH / "results" / f"{args.label}-targets.json"
    targets_file.parent.mkdir(exist_ok=True)
    targets_file.write_text(json.dumps(targets))
    log("query counts (Django test client + CaptureQueriesContext, same database and cache) ...")
    counts = django_task(env, "counts", str(targets_file))  # also empties the bench cache: a cold start

    from django_pages import pages  # the same list as django_tasks.pages, without importing Django

    run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    rows, raw = [], {}
    with Gunicorn(env, args.port) as server:
        users = {}
        for username in (targets["board_user"], targets["commissioner_user"]):
            browser = Browser(server.base, "ksv-bench-signin")
            browser.sign_in(username, env["BENCH_PASSWORD"])
            users[username] = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        for name, (username, path) in pages(targets).items():
            cookie = users.get(username) if username else None
            browser = Browser(
                server.base,
                "ksv-bench-check",
                {} if not cookie else dict(part.split("=", 1) for part in cookie.split("; ")),
            )
            for _ in range(3):  # check it is the page (not a sign-in redirect or a 403), and warm up
                status, _, _ = browser.get(path)
                if status != 200:
                    raise RuntimeError(f"{name}: GET {path} gave {status}")
            log(f"wrk {name} ({path}) for {args.duration}s at {args.concurrency} connections ...")
            result = wrk(server.base + path, args.duration, args.concurrency, cookie)
            raw[name] = result
            cold, warm = counts[name]
            rows.append(
                {
                    "page": name,
                    **result,
                    "queries": f"{cold}" if cold == warm else f"{cold} cold, {warm} warm",
                    "errors": result["non_2xx_3xx"]
                    + result["connect_errors"]
                    + result["read_errors"]
                    + result["timeouts"],
                }
            )
        # The floor again at the end: the machine is shared, so the ratios use the mean of the two.
        log(f"wrk {FLOOR} again for {args.duration}s ...")
        again = wrk(server.base + "/accessibility/", args.duration, args.concurrency, None)
        raw["floor again"] = again
        rows.append(
            {
                "page": FLOOR + " (again, at the end)",
                **again,
                "queries": str(counts[FLOOR][0]),
                "errors": again["non_2xx_3xx"]
                + again["connect_errors"]
                + again["read_errors"]
                + again["timeouts"],
            }
        )
        log(f"python-client floor for {args.duration}s ...")
        floor_py = python_floor(server.base, args.duration, args.concurrency)
        raw["python floor"] = floor_py
        log(f"submission journeys for {args.duration}s at {args.concurrency} residents ...")
        sub = journeys(server.base, targets["open_slug"], args.duration, args.concurrency, run_id)
        raw["submissions"] = sub
        log(f"submissions: {args.residents} residents ready at the check page, then every final POST ...")
        posts = submissions(server.base, targets["open_slug"], args.residents, args.concurrency, run_id)
        raw["final posts"] = posts

    floors = [r for r in rows if r["page"].startswith(FLOOR)]
    floor = {k: sum(f[k] for f in floors) / len(floors) for k in ("p50_ms", "rps")}
    for r in rows:
        r["p50_ratio"], r["rps_ratio"] = r["p50_ms"] / floor["p50_ms"], r["rps"] / floor["rps"]
    journey_queries = counts["submission journey"]
    extra = [
        {"page": "trivial /accessibility/ (Python client)", **floor_py, "queries": str(counts[FLOOR][0])},
        {
            "page": f"submission journey ({sub['requests_per_journey']:.0f} requests)",
            **sub["all"],
            "queries": f"{sum(journey_queries)} per journey",
        },
        {"page": "  of which POST check = submissions/s", **sub["final"], "queries": str(journey_queries[7])},
        {
            "page": f"submissions: {posts['stored']} final POSTs in a row",
            **posts,
            "queries": str(journey_queries[7]),
        },
    ]
    for r in extra:
        r["p50_ratio"], r["rps_ratio"] = r["p50_ms"] / floor_py["p50_ms"], r["rps"] / floor_py["rps"]
    rows += extra

    print(
        f"\n## {args.label}: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{args.concurrency} concurrent, {args.duration}s per row"
    )
    print(
        f"data: {targets['counts']}; results page: {targets['results_slug']} "
        f"({targets['results_responses']} responses); report: {targets['tender_reference']} "
        f"({targets['tender_bids']} bids)\n"
    )
    print(table(rows))
    print(
        "\nwrk rows: ratios to the mean of the two wrk floor rows; Python-client rows: ratios to the "
        "Python-client floor."
    )
    print(
        f"submissions stored: {sub['stored']}, refused: {sub['refused']}; "
        f"queries per journey step: {journey_queries}"
    )
    print(
        "one request each (Django test client, one process), ms, first with the cache empty / second: "
        + ", ".join(
            f"{name} {ms:,.0f} / {counts['warm ms'][name]:,.0f}" for name, ms in counts["cold ms"].items()
        )
    )
    out = BENCH / "results" / f"{args.label}.json"
    out.write_text(json.dumps({"targets": targets, "counts": counts, "raw": raw, "rows": rows}, indent=1))
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
