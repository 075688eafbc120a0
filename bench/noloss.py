"""No loss at bench scale: N residents answer through the real forms, then all N send their answers at once,
each twice (a double click or a retry). Exactly N responses must be stored, each once, with no 5xx.

    bench/noloss.sh [--residents 2000] [--concurrency 64] [--port 8767]

A fresh consultation (bench-noloss-<time>) per run, so the count is exact whatever else is in the database.
"""

import argparse
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime

from common import Browser, Gunicorn, answer_steps, app_env, django_task, log, prepare_app, submit


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64, help="simultaneous final submissions")
    parser.add_argument("--prepare-concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    env = app_env()
    prepare_app(env)  # bench users
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    slug = f"bench-noloss-{run}"
    prefix = f"noloss {run} resident "
    django_task(env, "consultation", slug, "open")
    statuses: Counter = Counter()
    lock = threading.Lock()

    with Gunicorn(env, args.port) as server:
        # 1. Every resident answers the first three steps (sessions kept; nothing stored yet).
        residents: list[tuple[Browser, str]] = [None] * args.residents  # type: ignore[list-item]
        queue = iter(range(args.residents))
        started = time.time()

        def prepare():
            while True:
                with lock:
                    i = next(queue, None)
                if i is None:
                    return
                browser = Browser(server.base, f"ksv-noloss/{run}/{i}")
                page, seen = answer_steps(browser, slug, i, missing=f"{prefix}{i}")
                with lock:
                    statuses.update(seen)
                residents[i] = (browser, page)

        threads = [threading.Thread(target=prepare) for _ in range(args.prepare_concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        log(f"{args.residents} residents ready in {time.time() - started:.0f}s; sending all at once ...")

        # 2. All of them send, each twice at the same moment, `concurrency` at a time.
        barrier_queue = iter(range(args.residents * 2))
        started = time.time()

        def send():
            while True:
                with lock:
                    k = next(barrier_queue, None)
                if k is None:
                    return
                browser, page = residents[k // 2]
                try:
                    status = submit(browser, slug, page)
                except OSError as error:
                    log(f"resident {k // 2}: {error!r}")
                    status = 599
                with lock:
                    statuses[status] += 1

        threads = [threading.Thread(target=send) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.time() - started
    check = django_task(env, "noloss-check", slug, str(args.residents), prefix)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    ok = (
        check["stored"] == args.residents
        and check["distinct_receipts"] == args.residents
        and check["residents_seen"] == args.residents
        and check["residents_stored_twice"] == 0
        and server_errors == 0
    )
    print(
        f"no loss: {args.residents} residents, {2 * args.residents} final POSTs (each sent twice) "
        f"at {args.concurrency} concurrent in {seconds:.1f}s ({2 * args.residents / seconds:.0f} POST/s)"
    )
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"stored: {check}")
    print(("PASS" if ok else "FAIL") + f": exactly {args.residents} stored, once each, no 5xx")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
