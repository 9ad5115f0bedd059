#!/usr/bin/env bash
# `make test-clocks`: the fast part of the suite (every test but those marked slow) with the
# practice's clock started at each moment given, CLOCK_JOBS moments at a time. The suite mostly
# waits (on the emulator, the database, the bots it starts), so moments side by side take little
# longer than one alone on two cores. Each moment's output is printed whole, in order, once it
# is done; a moment that fails or collects nothing fails the run after the others have finished.
set -uo pipefail
python=${PYTHON:-.venv/bin/python}
jobs=${CLOCK_JOBS:-3}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run_moment() {
  local index=$1 moment=$2
  FRONTDESK_CLOCK=$moment "$python" -m pytest -m "not slow" -q -p no:cacheprovider \
    >"$logs/$index.log" 2>&1
  echo $? >"$logs/$index.rc"
}

index=0
for moment in "$@"; do
  run_moment "$index" "$moment" &
  index=$((index + 1))
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait

failed=""
index=0
for moment in "$@"; do
  echo "=== make test-clocks: FRONTDESK_CLOCK=$moment"
  cat "$logs/$index.log"
  [ "$(cat "$logs/$index.rc")" = "0" ] || failed="$failed $moment"
  index=$((index + 1))
done
if [ -n "$failed" ]; then
  echo "=== make test-clocks: failed at$failed"
  exit 1
fi
echo "=== make test-clocks: passed at every moment"
