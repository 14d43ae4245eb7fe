#!/usr/bin/env bash
# Builds one libFuzzer target with clang++-14 and runs it.
#
#   run_fuzzer.sh TARGET SECONDS [WORK_DIR]   fuzz for SECONDS (ctest uses 5)
#   run_fuzzer.sh TARGET FILE... [-- WORK_DIR] run the target once on each FILE
#                                              (reproduce a crash)
#
# TARGET is css_translator or encoding_sniffer. WORK_DIR (default
# build-fuzz/fuzz at the top of the checkout; ctest passes one under its
# build tree) holds the CMake build of tests/fuzz (incremental: only changed
# sources recompile, through ccache when present), the corpus the fuzzer
# grows (seeded from tests/fuzz/corpus/TARGET, which is never written) and
# the crash reproducers (artifacts/TARGET/). Exits non-zero when clang++-14
# or its fuzzer runtime is missing, the build fails or the fuzzer finds a
# crash, a leak or a slow input.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() { echo "usage: $0 css_translator|encoding_sniffer SECONDS|FILE... [WORK_DIR]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1
shift
case "$target" in
  css_translator | encoding_sniffer) ;;
  *) usage ;;
esac

seconds=
files=()
work=
if [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  work=${2:-}
else
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then
      work=${2:-}
      break
    fi
    files+=("$1")
    shift
  done
fi
work=${work:-$root/build-fuzz/fuzz}

cxx=clang++-14
if ! command -v "$cxx" >/dev/null; then
  echo "run_fuzzer.sh: $cxx not found; the fuzz tests need it and its fuzzer runtime:" >&2
  echo "  apt-get install clang-14 libclang-rt-14-dev   (./quickstart.sh installs both)" >&2
  exit 1
fi
runtime=$("$cxx" -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
if [ ! -f "$runtime" ] && [ ! -f "$("$cxx" --print-runtime-dir 2>/dev/null)/libclang_rt.fuzzer-x86_64.a" ]; then
  echo "run_fuzzer.sh: libFuzzer's runtime for $cxx is missing:" >&2
  echo "  apt-get install libclang-rt-14-dev   (./quickstart.sh installs it)" >&2
  exit 1
fi

mkdir -p "$work"
build=$work/build
# ctest may run both fuzz tests at once: one configure/build at a time.
(
  flock 9
  if [ ! -f "$build/CMakeCache.txt" ]; then
    CCACHE_BASEDIR=$root cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_BUILD_TYPE= >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
  fi
  CCACHE_BASEDIR=$root cmake --build "$build" --target "${target}_fuzz" -j2
) 9>"$work/.lock"

binary=$build/${target}_fuzz
# detect_leaks: libFuzzer reports a leak as a failure, as it should.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ ${#files[@]} -gt 0 ]; then
  exec "$binary" -rss_limit_mb=2048 -timeout=10 "${files[@]}"
fi

corpus=$work/corpus/$target
artifacts=$work/artifacts/$target
mkdir -p "$corpus" "$artifacts"
status=0
"$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$here/corpus/$target" || status=$?
if [ $status -ne 0 ]; then
  echo "run_fuzzer.sh: $target failed (exit $status); reproducers in $artifacts/:" >&2
  ls -t "$artifacts" | head -5 | sed "s|^|  $artifacts/|" >&2
  echo "  rerun one with: $0 $target FILE" >&2
fi
exit $status
