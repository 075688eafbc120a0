#!/usr/bin/env bash
# The load benchmark in one run (see bench/README.md). Defaults to the scale database; pass --wait to wait
# for seed_scale to finish. Override DATABASE_URL to run against another database (e.g. knowsley_benchdev).
set -euo pipefail
cd "$(dirname "$0")"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/knowsley_scale}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
exec python3 run.py "$@"
