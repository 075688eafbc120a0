#!/usr/bin/env bash
# CPU per request by process (see bench/README.md). Defaults to the scale database.
set -euo pipefail
cd "$(dirname "$0")"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/knowsley_scale}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
exec python3 cpu.py "$@"
