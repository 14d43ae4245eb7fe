#pragma once
// `trawl shell URL|FILE`: selectors tried on a page (shell_command.cpp).

#include <CLI/CLI.hpp>

namespace trawl::cli {

void add_shell_command(CLI::App& app);

} // namespace trawl::cli
