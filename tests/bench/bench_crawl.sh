#!/usr/bin/env bash
# Crawl benchmark: trawl's links spider, the same spider in Scrapy and
# wget --recursive crawl a generated static site of PAGES pages (~20 KB of
# HTML and ~20 links each, all reachable from /index.html) served by nginx
# on 127.0.0.1 (a free port). Reports medians of RUNS runs per tool: pages,
# pages/s, CPU seconds, peak RSS, trawl's loop-lag p99, and trawl's pages/s
# over Scrapy's and wget's.
#
#   tests/bench/bench_crawl.sh [BUILD_DIR]     (default: build)
#   RUNS=3 PAGES=20000 CONCURRENCY=64 TOOLS="trawl scrapy wget" tests/bench/bench_crawl.sh
#   KEEP=1 ...   keeps the work dir (site, logs, stats, items) and prints its path
#   TOOLS="trawl trawl-bare" RUNS=7 ...   the cost of the middleware chains:
#                trawl-bare is the same crawl with every built-in downloader and
#                spider middleware disabled; the CPU ratio is reported
#
# Needs nginx, Debian's Scrapy (/usr/bin/scrapy), wget and GNU time
# (apt-get install nginx python3-scrapy wget time). wget uses a single
# connection, as it always does. Not part of the test suite.
set -euo pipefail
build=${1:-build}
runs=${RUNS:-3}
pages_wanted=${PAGES:-20000}
conc=${CONCURRENCY:-64}
tools=${TOOLS:-trawl scrapy wget}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/bench_common.sh
. "$here/bench_common.sh"
trawl="$build/framework/src/cli/trawl"
[ -x "$trawl" ] || { echo "build $trawl first (cmake --build $build --target trawl)" >&2; exit 1; }
trawl=$(cd "$(dirname "$trawl")" && pwd)/trawl
missing=()
[ -x /usr/bin/python3 ] || missing+=(python3)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/scrapy ] || missing+=(python3-scrapy)
command -v wget >/dev/null || missing+=(wget)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing ${missing[*]}: apt-get install ${missing[*]}" >&2
  exit 1
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  sleep 0.2
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

port=$(free_port)

t0=$(date +%s.%N)
/usr/bin/python3 "$here/gen_site.py" "$work/www" "$pages_wanted"
echo "site: $pages_wanted pages, $(du -sm "$work/www" | cut -f1) MiB, generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b-a}') s"

start_nginx "$nginx_bin" "$work" 2048 "listen 127.0.0.1:$port backlog=4096;"
start="http://127.0.0.1:$port/index.html"

# A key of a stats JSON file; 0 if the file or the key is missing (a crashed run).
stat_of() {
  /usr/bin/python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))
except (OSError, ValueError): print(0)' "$1" "$2"
}

# One crawl by tool $1; sets pages, wall, cpu, rss_mib, lag, errors.
crawl() {
  local tool=$1 status=0
  rm -rf "$work/wget" "$work/$tool.jsonl" "$work/$tool-stats.json"
  case $tool in
    trawl|trawl-bare)
      local bare=()
      [ "$tool" = trawl-bare ] && bare=(-s 'DOWNLOADER_MIDDLEWARES_BASE={}' -s 'SPIDER_MIDDLEWARES_BASE={}')
      /usr/bin/time -o "$work/time" -f '%e %U %S %M' "$trawl" crawl links -a "start_url=$start" \
        -s CONCURRENT_REQUESTS="$conc" -s CONCURRENT_REQUESTS_PER_DOMAIN="$conc" -s LOG_LEVEL=INFO "${bare[@]}" \
        --stats-json "$work/$tool-stats.json" -O "$work/$tool.jsonl" 2> "$work/$tool.log" || status=$?
      pages=$(stat_of "$work/$tool-stats.json" response_received_count)
      lag=$(stat_of "$work/$tool-stats.json" loop/lag_p99_ms)
      errors=$(grep -c '\] ERROR: ' "$work/$tool.log" || true) ;;
    scrapy)
      # Scrapy's own settings (64 concurrent requests, INFO, no robots.txt,
      # throttle, cache or telnet console) are in the spider.
      (cd "$work" && /usr/bin/time -o "$work/time" -f '%e %U %S %M' /usr/bin/scrapy runspider \
        "$here/scrapy_links_spider.py" -a "start_url=$start" -a "stats_file=$work/scrapy-stats.json" \
        -s CONCURRENT_REQUESTS="$conc" -s CONCURRENT_REQUESTS_PER_DOMAIN="$conc" \
        -O "$work/scrapy.jsonl" 2> "$work/scrapy.log") || status=$?
      pages=$(stat_of "$work/scrapy-stats.json" response_received_count)
      lag=-
      errors=$(stat_of "$work/scrapy-stats.json" log_count/ERROR) ;;
    wget)
      /usr/bin/time -o "$work/time" -f '%e %U %S %M' wget --recursive --level=inf --no-parent --no-verbose \
        -P "$work/wget" -e robots=off "$start" 2> "$work/wget.log" || status=$?
      pages=$(sed -n 's/^Downloaded: \([0-9]*\) files.*/\1/p' "$work/wget.log")
      pages=${pages:-0}
      lag=-
      errors=$(grep -c 'ERROR' "$work/wget.log" || true) ;;
  esac
  read -r wall user sys rss_kb < <(tail -1 "$work/time")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u+s}')
  rss_mib=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k/1024}')
  rate=$(awk -v p="$pages" -v w="$wall" 'BEGIN {printf "%.0f", (w > 0 ? p/w : 0)}')
  if [ "$status" -ne 0 ] || [ "$errors" != 0 ] || [ "$pages" != "$pages_wanted" ]; then
    echo "WARNING: $tool fetched $pages of $pages_wanted pages, exit status $status, $errors errors in its log" >&2
  fi
}

echo "$runs runs per tool, $conc concurrent requests (wget: 1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A col
for run in $(seq "$runs"); do
  line="run $run:"
  for tool in $tools; do
    crawl "$tool"
    col[$tool.pages]+="$pages "
    col[$tool.wall]+="$wall "
    col[$tool.rate]+="$rate "
    col[$tool.cpu]+="$cpu "
    col[$tool.rss]+="$rss_mib "
    col[$tool.lag]+="$lag "
    line+=" $tool $pages pages ${wall}s ${rate}/s cpu ${cpu}s ${rss_mib}MiB;"
  done
  echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
done

# shellcheck disable=SC2086 # one value per word
med() { printf '%s\n' ${col[$1]} | median; }
echo
echo "medians of $runs runs, $pages_wanted pages:"
printf '%-10s %7s %8s %9s %8s %13s %17s\n' tool pages wall_s pages/s cpu_s peak_rss_MiB loop_lag_p99_ms
for tool in $tools; do
  lag_med=-
  [[ "$tool" = trawl* ]] && lag_med=$(awk -v l="$(med "$tool.lag")" 'BEGIN {printf "%.2f", l}')
  printf '%-10s %7s %8s %9s %8s %13s %17s\n' "$tool" "$(med "$tool.pages")" "$(med "$tool.wall")" \
    "$(med "$tool.rate")" "$(med "$tool.cpu")" "$(med "$tool.rss")" "$lag_med"
done
for peer in scrapy wget; do
  if [[ " $tools " == *" trawl "* && " $tools " == *" $peer "* ]]; then
    echo "pages/s trawl/$peer = $(awk -v t="$(med trawl.rate)" -v p="$(med "$peer.rate")" 'BEGIN {printf "%.2f", (p > 0 ? t/p : 0)}')"
  fi
done
if [[ " $tools " == *" trawl "* && " $tools " == *" trawl-bare "* ]]; then
  echo "CPU s trawl/trawl-bare = $(awk -v t="$(med trawl.cpu)" -v b="$(med trawl-bare.cpu)" 'BEGIN {printf "%.3f", (b > 0 ? t/b : 0)}') (the middleware chains' share of CPU per page)"
fi
