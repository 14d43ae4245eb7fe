#!/usr/bin/env bash
# The two set-up commands of the README, for a fresh Debian 12 machine:
#
#   ./quickstart.sh demo   install what is missing, build, run the demo
#   ./quickstart.sh test   install what is missing, build with ASan+UBSan and
#                          run the whole test suite there (one build keeps a
#                          cold CI run short; TRAWL_TEST_RELEASE=1 also builds
#                          and runs it in the normal configuration first)
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
  libxml2-dev libpugixml-dev libsqlite3-dev libpcre2-dev libidn2-dev libpsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev libedit-dev
  clang-14 libclang-rt-14-dev # the fuzz tests (tests/fuzz/run_fuzzer.sh)
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
  # The bundled demo: trawl serves a generated quotes site on 127.0.0.1 and
  # crawls it with the example spider (spiders/quotes_spider.cpp), writing
  # items.jsonl and stats.json here. No network needed.
  build build trawl
  say "trawl demo"
  ./build/framework/src/cli/trawl demo
}

case "${1:-}" in
  demo) install_missing; demo ;;
  test) install_missing
        if [ "${TRAWL_TEST_RELEASE:-0}" = 1 ]; then build build; run_tests build; fi
        build build-asan -- -DTRAWL_SANITIZE=ON; run_tests build-asan ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
