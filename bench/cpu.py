"""CPU per request, by process, of the trivial page and of a submission's final POST: where the time goes.

    bench/cpu.sh [--residents 400] [--port 8798]

Reads each process's user + system time from /proc before and after each phase (Linux only) and divides by
the requests made: gunicorn's workers, PostgreSQL's backends, Redis, and this client (the total), and apart
from them every other process (whatever else the machine was doing). The machine's two cores are shared by
all of them, so throughput follows the total. Residents answer the first three steps before the
POST phase is measured.
"""

import argparse
import glob
import os
import threading
import time
from datetime import UTC, datetime

from common import Browser, Gunicorn, answer_steps, app_env, django_task, ensure_deps, manage, submit
from run import python_floor, run_threads

TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[str, tuple[str, float]]:
    found = {}
    for path in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{path}/stat") as stat, open(f"{path}/cmdline") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read().replace("\0", " ")
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        if "gunicorn" in command:
            kind = "gunicorn"
        elif "postgres" in command:
            kind = "postgres"
        elif "redis-server" in command:
            kind = "redis"
        elif int(path[6:]) == os.getpid():
            kind = "client"
        else:
            kind = "other"
        found[path] = (kind, seconds)
    return found


def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    totals: dict[str, float] = {}
    for path, (kind, seconds) in after.items():
        totals[kind] = totals.get(kind, 0.0) + seconds - before.get(path, (kind, 0.0))[1]
    return {kind: totals[kind] / requests * 1000 for kind in sorted(totals)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=400)
    parser.add_argument("--port", type=int, default=8798)
    args = parser.parse_args()
    ensure_deps()
    env = app_env()
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    slug = django_task(env, "setup")["open_slug"]
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    with Gunicorn(env, args.port) as server:
        before = cpu_by_process()
        floor = python_floor(server.base, 8, 8)
        rows = {
            "trivial /accessibility/": (
                floor["requests"],
                per_request(before, cpu_by_process(), floor["requests"]),
            )
        }
        ready = []
        for i in range(args.residents):
            browser = Browser(server.base, f"ksv-cpu/{run}/{i}")
            page, _ = answer_steps(browser, slug, 3_000_000 + i)
            ready.append((browser, page))
        queue, lock = iter(ready), threading.Lock()

        def send(_):
            while True:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                submit(item[0], slug, item[1])

        before = cpu_by_process()
        started = time.time()
        run_threads(8, send)
        seconds = time.time() - started
        rows["final POST (stores a response)"] = (
            args.residents,
            per_request(before, cpu_by_process(), args.residents),
        )
    kinds = ["gunicorn", "postgres", "redis", "client"]
    print(
        "| request | requests | "
        + " | ".join(f"{k} ms" for k in kinds)
        + " | total ms | (not the bench) ms |"
    )
    print("|---|---|" + "---|" * (len(kinds) + 2))
    for name, (n, ms) in rows.items():
        cells = " | ".join(f"{ms.get(k, 0.0):.2f}" for k in kinds)
        total = sum(ms.get(k, 0.0) for k in kinds)
        print(f"| {name} | {n} | {cells} | {total:.2f} | {ms.get('other', 0.0):.2f} |")
    print(f"\nfloor {floor['rps']:.0f} req/s; final POSTs {args.residents / seconds:.1f}/s")


if __name__ == "__main__":
    main()
