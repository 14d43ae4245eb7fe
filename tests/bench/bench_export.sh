#!/usr/bin/env bash
# Exporting ITEMS (default 1,000,000) small items to JSON lines and SQLite:
# trawl (export_bench, Release build) against Scrapy (scrapy_export_bench.py:
# JsonLinesItemExporter, and the sqlite3 module with executemany batches).
# Prints items/s for each, medians of RUNS (default 3), and the ratios to
# Scrapy's JsonLinesItemExporter (and, for SQLite, to Python's sqlite3), in
# two modes (MODES, default both):
#   prebuilt  the exporters' own rate: the items are built before the clock
#             starts (in a crawl, callbacks build items on the parse pool and
#             the feed or pipeline writes them elsewhere)
#   built     each item built inside the timed loop, on both sides
#   tests/bench/bench_export.sh [BUILD_DIR]     (default build-bench)
# BUILD_DIR must be a Release build: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build-bench}
runs=${RUNS:-3}
items=${ITEMS:-1000000}
# shellcheck source=bench_common.sh
source "$here/bench_common.sh"

cmake --build "$build" --target export_bench -j"${JOBS:-2}" >/dev/null
bench="$build/tests/bench/export_bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_median NAME COMMAND...: runs COMMAND RUNS times, prints the median items/s.
run_median() {
  local name=$1; shift
  local rates=()
  for _ in $(seq "$runs"); do
    rates+=("$("$@" | awk '{print $4}')")
  done
  local m
  m=$(printf '%s\n' "${rates[@]}" | median)
  printf '%-28s %12.0f items/s   (runs: %s)\n' "$name" "$m" "${rates[*]}" >&2
  echo "$m"
}

for mode in ${MODES:-prebuilt built}; do
  echo "Exporting $items items ($mode), median of $runs runs" >&2
  trawl_jsonl=$(run_median "trawl jsonlines feed" "$bench" jsonl "$items" "$work/trawl.jsonl" "$mode")
  scrapy_jsonl=$(run_median "scrapy JsonLinesItemExporter" /usr/bin/python3 "$here/scrapy_export_bench.py" jsonl "$items" "$work/scrapy.jsonl" "$mode")
  trawl_sqlite=$(run_median "trawl sqlite pipeline" "$bench" sqlite "$items" "$work/trawl.sqlite" "$mode")
  python_sqlite=$(run_median "python sqlite3 executemany" /usr/bin/python3 "$here/scrapy_export_bench.py" sqlite "$items" "$work/scrapy.sqlite" "$mode")

  # The two JSON lines files must hold the same items (Scrapy's byte layout).
  if cmp -s "$work/trawl.jsonl" "$work/scrapy.jsonl"; then
    echo "jsonl outputs: identical" >&2
  else
    echo "jsonl outputs: DIFFER (first difference below)" >&2
    cmp "$work/trawl.jsonl" "$work/scrapy.jsonl" >&2 || true
  fi

  awk -v m="$mode" -v a="$trawl_jsonl" -v b="$scrapy_jsonl" -v c="$trawl_sqlite" -v d="$python_sqlite" 'BEGIN {
    printf "%s: jsonl  trawl/scrapy jsonl exporter = %.1fx\n", m, a / b
    printf "%s: sqlite trawl/scrapy jsonl exporter = %.1fx (trawl/python sqlite3 = %.1fx)\n", m, c / b, c / d
  }'
done
