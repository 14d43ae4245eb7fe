#include "cli/command_context.hpp"

#include <boost/version.hpp>

#include <openssl/opensslv.h>

#include <ares_version.h>
#include <fmt/format.h>

namespace trawl::cli {

void add_version_command(CLI::App& app)
{
    auto verbose = std::make_shared<bool>(false);
    auto* command = app.add_subcommand("version", "Print the trawl version");
    command->add_flag("-v,--verbose", *verbose, "also print the versions of the libraries trawl uses");
    command->callback([verbose] {
        fmt::print("trawl {}\n", TRAWL_VERSION);
        if (*verbose) {
            fmt::print("Boost     : {}.{}.{}\n", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100);
            fmt::print("OpenSSL   : {}\n", OPENSSL_VERSION_TEXT);
            fmt::print("c-ares    : {}\n", ARES_VERSION_STR);
        }
    });
}

} // namespace trawl::cli
