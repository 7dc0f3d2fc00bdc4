#!/usr/bin/env bash
# Every test, twice: on SQLite (the default) and on PostgreSQL + Redis when both answer at
# 127.0.0.1 (COACHLAB_TEST_DATABASE_URL / COACHLAB_TEST_REDIS_URL pick other servers).
# With two or more CPUs the two passes run at the same time (the PostgreSQL pass's output
# is shown when it ends); COACHLAB_TEST_PASSES=sequential runs them one after the other.
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

SUMMARIES=$(mktemp)
LOGS=()
trap 'rm -f "$SUMMARIES" "${LOGS[@]}"' EXIT

# run_pass NAME LOG [VAR=value ...]: one pytest run with those variables, its output in LOG
# (and on the terminal when LOG is -), its summary line added to $SUMMARIES. Returns its
# exit code.
run_pass() {
  local name=$1 out=$2; shift 2
  local log=$out start rc elapsed last verdict=OK
  start=$(date +%s)
  if [ "$out" = - ]; then
    log=$(mktemp)
    LOGS+=("$log")
    echo
    echo "=== $name pass ==="
    env -u COACHLAB_TEST_DATABASE_URL -u COACHLAB_TEST_REDIS_URL "$@" \
      "$PYTEST" -q -p no:cacheprovider "${PYTEST_ARGS[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
  else
    env -u COACHLAB_TEST_DATABASE_URL -u COACHLAB_TEST_REDIS_URL "$@" \
      "$PYTEST" -q -p no:cacheprovider "${PYTEST_ARGS[@]}" >"$log" 2>&1
    rc=$?
  fi
  elapsed=$(( $(date +%s) - start ))
  last=$(grep -E '(passed|failed|error|skipped|deselected|no tests ran)' "$log" | tail -n 1 \
         | sed -E 's/^=+ //; s/ =+$//')
  if [ "$rc" -eq 5 ]; then
    verdict="FAILED (no tests collected)"
  elif [ "$rc" -ne 0 ]; then
    verdict="FAILED (pytest exit code $rc)"
  fi
  echo "$name pass: $verdict in ${elapsed}s: ${last:-no summary}" >>"$SUMMARIES"
  return "$rc"
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
status=0
together=false
if [ "${COACHLAB_TEST_PASSES:-}" != sequential ] && [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
  together=true
fi

if services_answer; then
  PG_VARS=(COACHLAB_TEST_DATABASE_URL="$PG_URL" COACHLAB_TEST_REDIS_URL="$REDIS_URL_FOR_TESTS")
  if $together; then
    pg_log=$(mktemp)
    LOGS+=("$pg_log")
    echo "The PostgreSQL + Redis pass runs alongside the SQLite pass; its output follows it."
    run_pass "PostgreSQL + Redis" "$pg_log" "${PG_VARS[@]}" &
    pg_pid=$!
    # if this script is stopped (the CI ceiling), show what the other pass got to
    trap 'kill "$pg_pid" 2>/dev/null; echo; echo "=== PostgreSQL + Redis pass (stopped) ==="; cat "$pg_log"' TERM INT
    run_pass SQLite - || status=1
    wait "$pg_pid" || status=1
    trap - TERM INT
    echo
    echo "=== PostgreSQL + Redis pass ==="
    cat "$pg_log"
  else
    run_pass SQLite - || status=1
    run_pass "PostgreSQL + Redis" - "${PG_VARS[@]}" || status=1
  fi
else
  run_pass SQLite - || status=1
  echo
  echo "SKIPPED the PostgreSQL + Redis pass: $SKIP_REASON"
  echo "SKIPPED the PostgreSQL + Redis pass: $SKIP_REASON" >>"$SUMMARIES"
fi

echo
echo "=== summary ==="
cat "$SUMMARIES"
exit $status
