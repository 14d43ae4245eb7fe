#!/usr/bin/env bash
# Downloader benchmark, side by side with wrk, against nginx on 127.0.0.1
# (a free port, a generated 20 KB page). Reports medians of RUNS runs, then
# the resident memory per idle plain and TLS keep-alive connection with
# IDLE connections open to nginx (a separate process).
#
#   tests/bench/bench_downloader.sh [BUILD_DIR]     (default: build)
#   RUNS=5 SECONDS_PER_RUN=5 CONCURRENCY=64 IDLE=10000 tests/bench/bench_downloader.sh
#
# Needs nginx and wrk (apt-get install nginx wrk) and openssl for the TLS
# certificate. Not part of the test suite.
set -euo pipefail
# shellcheck source=tests/bench/bench_common.sh
. "$(cd "$(dirname "$0")" && pwd)/bench_common.sh"
build=${1:-build}
runs=${RUNS:-5}
secs=${SECONDS_PER_RUN:-5}
conc=${CONCURRENCY:-64}
idle=${IDLE:-10000}
bench="$build/tests/bench/downloader_bench"
[ -x "$bench" ] || { echo "build $bench first (cmake --build $build --target downloader_bench)" >&2; exit 1; }
for tool in nginx wrk openssl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool: apt-get install $tool" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
chmod 755 "$work"
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; sleep 0.2; rm -rf "$work"; }
trap cleanup EXIT

port=$(free_port)
tls_port=$(free_port)

# A 20 KB HTML page, like a typical crawled page.
mkdir -p "$work/www"
{
  echo '<!DOCTYPE html><html><head><title>bench</title></head><body>'
  for i in $(seq 1 200); do echo "<p><a href=\"/p/$i\">link $i</a> some text to make the page about twenty kilobytes.</p>"; done
  echo '</body></html>'
} > "$work/www/page.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

start_nginx "$nginx_bin" "$work" 19000 "listen 127.0.0.1:$port backlog=20000;
    listen 127.0.0.1:$tls_port ssl backlog=20000;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;"
url="http://127.0.0.1:$port/page.html"
curl -sf "$url" -o /dev/null 2>/dev/null || true


echo "page: $(stat -c %s "$work/www/page.html") bytes; $runs runs of ${secs}s, $conc connections; $(nproc) cores"
wrk_rates=() trawl_rates=()
for run in $(seq "$runs"); do
  w=$(wrk -t1 -c"$conc" -d"${secs}s" "$url" | awk '/Requests\/sec/ {print $2}')
  t=$("$bench" "$url" -c "$conc" -d "$secs" | sed -n 's/^requests\/s: \([0-9]*\).*/\1/p')
  echo "run $run: wrk $w req/s, trawl $t req/s"
  wrk_rates+=("$w") trawl_rates+=("$t")
done
wm=$(printf '%s\n' "${wrk_rates[@]}" | median)
tm=$(printf '%s\n' "${trawl_rates[@]}" | median)
echo "median: wrk $wm req/s, trawl $tm req/s, trawl/wrk = $(awk -v t="$tm" -v w="$wm" 'BEGIN {printf "%.2f", t/w}')"

echo "idle connections ($idle to nginx):"
echo -n "  plain: "; "$bench" "$url" --idle "$idle" | tail -1
echo -n "  TLS:   "; "$bench" "https://127.0.0.1:$tls_port/page.html" --idle "$idle" -s DOWNLOAD_TLS_VERIFY=false | tail -1
