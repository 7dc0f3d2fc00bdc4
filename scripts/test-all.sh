#!/usr/bin/env bash
# Every test, twice: on SQLite (the default), then on PostgreSQL + Redis when both answer at
# 127.0.0.1 (COACHLAB_TEST_DATABASE_URL / COACHLAB_TEST_REDIS_URL pick other servers).
# Extra arguments go to pytest in both passes. Exits non-zero if any pass fails; pytest's
# "no tests collected" (exit code 5) is a failure too. Called by `make test`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTEST=.venv/bin/pytest
PYTHON=.venv/bin/python
REDIS_URL_FOR_TESTS="${COACHLAB_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
if [ -n "${COACHLAB_TEST_DATABASE_URL:-}" ]; then
  PG_CANDIDATES=("$COACHLAB_TEST_DATABASE_URL")
else  # trust auth: the postgres role, or root when the tests run as root
  PG_CANDIDATES=(postgresql://postgres@127.0.0.1:5432/test postgresql://root@127.0.0.1:5432/test)
fi

summaries=()
status=0

# run_pass NAME [VAR=value ...]: one pytest run with those variables, its summary recorded.
run_pass() {
  local name=$1; shift
  local log start rc elapsed last
  log=$(mktemp)
  start=$(date +%s)
  echo
  echo "=== $name pass ==="
  env -u COACHLAB_TEST_DATABASE_URL -u COACHLAB_TEST_REDIS_URL "$@" \
    "$PYTEST" -q -p no:cacheprovider "${PYTEST_ARGS[@]}" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  elapsed=$(( $(date +%s) - start ))
  last=$(grep -E '(passed|failed|error|skipped|deselected|no tests ran)' "$log" | tail -n 1 \
         | sed -E 's/^=+ //; s/ =+$//')
  rm -f "$log"
  local verdict=OK
  if [ "$rc" -eq 5 ]; then
    verdict="FAILED (no tests collected)"
  elif [ "$rc" -ne 0 ]; then
    verdict="FAILED (pytest exit code $rc)"
  fi
  [ "$rc" -eq 0 ] || status=1
  summaries+=("$name pass: $verdict in ${elapsed}s: ${last:-no summary}")
}

# services_answer: returns 1, with the reason in SKIP_REASON, unless PostgreSQL and Redis
# both answer; sets PG_URL to the database URL that works.
PG_URL=""
SKIP_REASON=""
services_answer() {
  if command -v pg_isready >/dev/null 2>&1 && [ -z "${COACHLAB_TEST_DATABASE_URL:-}" ] \
      && ! pg_isready -q -h 127.0.0.1 -p 5432 -t 3; then
    SKIP_REASON="PostgreSQL at 127.0.0.1:5432 not reachable (pg_isready)"
    return 1
  fi
  local url
  for url in "${PG_CANDIDATES[@]}"; do
    if "$PYTHON" - "$url" <<'PY' 2>/dev/null; then
import sys
import psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
      PG_URL=$url
      break
    fi
  done
  if [ -z "$PG_URL" ]; then
    SKIP_REASON="PostgreSQL not reachable as ${PG_CANDIDATES[*]}"
    return 1
  fi
  if ! "$PYTHON" - "$REDIS_URL_FOR_TESTS" <<'PY' 2>/dev/null; then
import sys
import redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3, socket_timeout=3).ping()
PY
    SKIP_REASON="Redis at $REDIS_URL_FOR_TESTS not reachable"
    return 1
  fi
}

PYTEST_ARGS=("$@")
run_pass SQLite

if services_answer; then
  run_pass "PostgreSQL + Redis" COACHLAB_TEST_DATABASE_URL="$PG_URL" \
    COACHLAB_TEST_REDIS_URL="$REDIS_URL_FOR_TESTS"
else
  echo
  echo "SKIPPED the PostgreSQL + Redis pass: $SKIP_REASON"
  summaries+=("SKIPPED the PostgreSQL + Redis pass: $SKIP_REASON")
fi

echo
echo "=== summary ==="
printf '%s\n' "${summaries[@]}"
exit $status
