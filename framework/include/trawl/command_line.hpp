#pragma once
// trawl's command line as a library, so that a project's own executable has
// the same commands as `trawl` for the spiders it registers:
//
//   // main.cpp of a generated project
//   #include <trawl/command_line.hpp>
//   int main(int argc, char** argv) { return trawl::run_command_line(argc, argv, "myproject"); }
//
// Link the `trawl_cli` library. The project's spiders register themselves
// with TRAWL_SPIDER (<trawl/spider.hpp>).

#include <string_view>

namespace trawl {

/// Runs trawl's commands (crawl, list, check, fetch, shell, settings, version, ...) for the spiders
/// registered in SpiderRegistry::instance(). `program` names the executable in usage and errors.
/// Returns the process exit status.
int run_command_line(int argc, char** argv, std::string_view program = "trawl");

} // namespace trawl
