# Finds the Debian 12 packages trawl builds on. Libraries without a CMake
# config (c-ares, brotli, libidn2, pcre2) come through pkg-config.

find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json url)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(LibXml2 REQUIRED)
find_package(pugixml REQUIRED) # sitemaps, XML feeds
find_package(SQLite3 REQUIRED) # the HTTP cache

find_package(PkgConfig REQUIRED)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlidec libbrotlienc)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl) # public suffixes for cookies
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit) # `trawl shell` line editing (BSD, not GNU readline)
# Optional, for speed only: crawler executables allocate with jemalloc when
# it is there (trawl::allocator, in the top CMakeLists.txt).
pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)

