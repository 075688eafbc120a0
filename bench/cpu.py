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
from datetime import UTC, datetime

from common import Gunicorn, app_env, prepare_app
from run import python_floor, ready_at_check, send_final_posts

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
    env = app_env()
    slug = prepare_app(env)["open_slug"]
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
        ready = ready_at_check(server.base, slug, args.residents, 8, f"cpu-{run}")
        before = cpu_by_process()
        _, stored, seconds = send_final_posts(slug, ready, 8)
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
    print(f"\nfloor {floor['rps']:.0f} req/s; final POSTs {stored / seconds:.1f} stored/s ({stored} stored)")


if __name__ == "__main__":
    main()
