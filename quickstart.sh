#!/usr/bin/env bash
# The two set-up commands of the README, for a fresh Debian 12 machine:
#
#   ./quickstart.sh demo   install what is missing, build, run the demo
#   ./quickstart.sh test   install what is missing, build, run the whole test
#                          suite (a normal build, then the ASan+UBSan build)
#
# Both are idempotent: packages already installed are not touched, builds
# are incremental (and cached by ccache across clones).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

# Debian 12 packages trawl builds and tests with.
packages=(
  ca-certificates g++ cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-url1.81-dev libboost-json1.81-dev
  libssl-dev libc-ares-dev zlib1g-dev libbrotli-dev libzstd-dev
  libyaml-cpp-dev libfmt-dev libspdlog-dev libcli11-dev
  libxml2-dev libpugixml-dev libsqlite3-dev libpcre2-dev libidn2-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)

say() { printf '\n==> %s\n' "$*"; }

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  say "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build DIR [TARGET...] -- [cmake options...]
build() {
  local dir=$1; shift
  local targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do targets+=(--target "$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  export CCACHE_BASEDIR="$root" CCACHE_SLOPPINESS=pch_defines,time_macros CCACHE_NOHASHDIR=1
  say "building in $dir"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$dir/configure.log" 2>&1 ||
    { cat "$dir/configure.log"; exit 1; }
  cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
}

run_tests() {
  local dir=$1
  say "testing $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 300
}

demo() {
  # Until the demo crawl exists (issue "command line"): start the bundled
  # test server on a free port and fetch a page from it with `trawl fetch`.
  # Globals, not locals: the EXIT trap runs after this function returns.
  demo_log=$(mktemp)
  build build trawl trawl-testserver
  ./build/tests/support/trawl-testserver --port 0 > "$demo_log" &
  demo_server=$!
  trap 'kill "$demo_server" 2>/dev/null || true; rm -f "$demo_log"' EXIT
  for _ in $(seq 100); do grep -q '^listening on ' "$demo_log" && break; sleep 0.1; done
  local url
  url=$(sed -n 's/^listening on //p' "$demo_log")
  [ -n "$url" ] || { echo "the test server did not start" >&2; exit 1; }
  say "trawl fetch --headers $url/page/1"
  ./build/framework/src/cli/trawl fetch --nolog --headers "$url/page/1"
  say "trawl fetch $url/gzip?size=200 (decoded)"
  ./build/framework/src/cli/trawl fetch --nolog "$url/gzip?size=200"
  echo
}

case "${1:-}" in
  demo) install_missing; demo ;;
  test) install_missing; build build; run_tests build
        build build-asan -- -DTRAWL_SANITIZE=ON; run_tests build-asan ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
