#!/usr/bin/env bash
# The selector benchmark: trawl's selector_bench (Google Benchmark) and
# parsel_bench.py (Debian's python3-parsel, and python3-scrapy's
# LinkExtractor when installed) on the same generated pages, in one run, then
# a table of CPU microseconds per page or query, pages/s per core and
# trawl's speed-up over parsel.
#
#   tests/bench/bench_selectors.sh [BUILD_DIR]     (default build-bench)
#
# BUILD_DIR should be a Release build; selector_bench is built there if
# needed. SAMPLES (default 5) is the number of samples each side takes a
# median of. The pages are written to BUILD_DIR/tests/bench/selector_pages.
# Both sides run one thread and report CPU time, so the numbers are per core;
# on a shared machine they still follow the load (the table ends with the
# load average).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build-bench}" && pwd)
samples=${SAMPLES:-5}
python=/usr/bin/python3 # Debian's modules; a pyenv python3 first on PATH lacks them

if ! "$python" -c 'import parsel' 2>/dev/null; then
  echo "bench_selectors.sh: needs python3-parsel (apt-get install python3-parsel)" >&2
  exit 1
fi
CCACHE_BASEDIR=$root cmake --build "$build" --target selector_bench -j2 >/dev/null
work=$build/tests/bench
pages=$work/selector_pages
"$python" "$here/gen_selector_pages.py" "$pages"

echo "trawl: selector_bench ($(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt" | cut -d= -f2) build)..." >&2
"$work/selector_bench" "$pages" --benchmark_repetitions="$samples" --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2 --benchmark_format=json >"$work/selector_bench.json"
echo "parsel: parsel_bench.py..." >&2
"$python" "$here/parsel_bench.py" "$pages" "$samples" >"$work/parsel_bench.json"

"$python" - "$work/selector_bench.json" "$work/parsel_bench.json" "$samples" <<'PY'
import json, os, sys

trawl_run = json.load(open(sys.argv[1]))
parsel_run = json.load(open(sys.argv[2]))
# Google Benchmark's cpu_time median, in microseconds (every case uses kMicrosecond).
trawl = {b["run_name"]: b["cpu_time"] for b in trawl_run["benchmarks"] if b.get("aggregate_name") == "median"}
parsel = parsel_run["cases"]

rows = [  # (trawl case, parsel case, label)
    ("parse_listing", "parse_listing", "listing (114 KB, 120 items): parse"),
    ("extract_listing", "extract_listing", "listing: parse + css() per item  [target >= 3x]"),
    ("parse_links", "parse_links", "links (20 KB, 407 links): parse"),
    ("links_css_no_urljoin", "links_css_no_urljoin", "links: parse + a::attr(href)"),
    ("links_css", "links_css", "links: parse + a::attr(href) + urljoin"),
    ("links_extractor", "links_extractor", "links: LinkExtractor (trawl / Scrapy)  [target >= 1.5x]"),
    ("links_extractor", "links_css", "links: LinkExtractor / parsel + urljoin  [target >= 1.5x]"),
    ("css_class", "css_class", "query: div.product h3 a::attr(href)"),
    ("xpath_class", "xpath_class", "query: the same by hand in XPath"),
    ("css_child", "css_child", "query: li > a"),
    ("xpath_child", "xpath_child", "query: //li/a"),
]
print(f"\n{'case':58} {'trawl us':>10} {'parsel us':>10} {'trawl/s':>9} {'parsel/s':>9} {'speed-up':>8}")
for trawl_key, parsel_key, label in rows:
    t, p = trawl.get(trawl_key), parsel.get(parsel_key)
    cell = lambda v, f: format(v, f) if v else "-"
    print(f"{label:58} {cell(t, '10.1f')} {cell(p, '10.1f')} {cell(t and 1e6 / t, '9.0f')}"
          f" {cell(p and 1e6 / p, '9.0f')} {cell(t and p and p / t, '7.2f') + 'x'}")
print("\nCSS query / hand-written XPath (target: trawl <= 2x):")
for name in ("class", "child"):
    t = trawl.get(f"css_{name}", 0) / trawl.get(f"xpath_{name}", 1)
    p = parsel.get(f"css_{name}", 0) / parsel.get(f"xpath_{name}", 1)
    print(f"  {name:6} trawl {t:5.2f}x   parsel {p:5.2f}x")
versions = ", ".join(f"{k} {v}" for k, v in parsel_run["versions"].items())
print(f"\nCPU time, one thread, median of {sys.argv[3]} samples per case; {versions}."
      f" Load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
PY
