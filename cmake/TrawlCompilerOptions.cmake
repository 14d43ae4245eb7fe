# Warnings, sanitizers and ccache for every trawl target.

find_program(TRAWL_CCACHE ccache)
if(TRAWL_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${TRAWL_CCACHE})
endif()

# An interface target every trawl library and test links: warnings and, in
# the sanitizer build, ASan+UBSan. Kept off the compiler's global flags so
# that third-party code found by find_package is not affected.
add_library(trawl_compile_options INTERFACE)
target_compile_options(trawl_compile_options INTERFACE -Wall -Wextra
  # g++ 12 reports Asio's awaitable frames (class-specific operator new and
  # delete with a size) as mismatched: a known false positive (GCC PR 105393-like).
  -Wno-mismatched-new-delete)

if(TRAWL_SANITIZE)
  # -O1 and -g0 (after the build type's -O2 -g, so they win): Beast/Asio
  # translation units take ~80 s and 1.9 GB each with -g under the
  # sanitizers; without it the suite still gets line-less but symbolised
  # reports.
  set(_trawl_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(trawl_compile_options INTERFACE ${_trawl_san} -O1 -g0)
  target_link_options(trawl_compile_options INTERFACE ${_trawl_san})
endif()
