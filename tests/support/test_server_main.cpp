// trawl-testserver: the integration tests' HTTP/HTTPS server as a program,
// for the demo, the benchmarks and trying a crawler by hand.
//
//   trawl-testserver [--port N] [--tls] [--threads N] [--site-pages N] [--cert-out FILE]
//
// Prints one line, "listening on URL", then serves until SIGINT or SIGTERM.

#include "support/test_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cstdint>
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

namespace net = boost::asio;

constexpr std::string_view usage =
    "usage: trawl-testserver [--port N] [--tls] [--threads N] [--site-pages N] [--cert-out FILE]\n"
    "  --port N        port on 127.0.0.1 (default 0: any free port)\n"
    "  --tls           serve HTTPS with a fresh self-signed certificate\n"
    "  --threads N     serving threads (default 1)\n"
    "  --site-pages N  pages in the /page/N link site (default 2000)\n"
    "  --cert-out FILE write the certificate (PEM) there, for clients to trust\n";

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

long parse_number(std::string_view text, long low, long high) {
    long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
        throw UsageError("bad number: " + std::string(text));
    }
    return value;
}

} // namespace

int main(int argc, char** argv) {
    trawl::testing::TestServerOptions options;
    std::string cert_out;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view arg = argv[i];
            auto value = [&]() -> std::string_view {
                if (i + 1 >= argc) {
                    throw UsageError(std::string(arg) + " needs a value");
                }
                return argv[++i];
            };
            if (arg == "--port") {
                options.port = static_cast<std::uint16_t>(parse_number(value(), 0, 65535));
            } else if (arg == "--tls") {
                options.tls = true;
            } else if (arg == "--threads") {
                options.threads = static_cast<int>(parse_number(value(), 1, 256));
            } else if (arg == "--site-pages") {
                options.site_pages = static_cast<int>(parse_number(value(), 1, 100'000'000));
            } else if (arg == "--cert-out") {
                cert_out = value();
            } else if (arg == "--help" || arg == "-h") {
                std::cout << usage;
                return 0;
            } else {
                throw UsageError("unknown option " + std::string(arg));
            }
        }
    } catch (const UsageError& e) {
        std::cerr << "trawl-testserver: " << e.what() << "\n" << usage;
        return 2;
    }

    try {
        // Registered before the server starts, so a signal that arrives while
        // it starts is not lost to the default action (terminate).
        net::io_context signals_context;
        net::signal_set signals(signals_context, SIGINT, SIGTERM);

        trawl::testing::TestServer server(options);
        if (!cert_out.empty()) {
            std::ofstream out(cert_out, std::ios::binary | std::ios::trunc);
            out << server.certificate_pem();
            if (!out) {
                std::cerr << "trawl-testserver: cannot write " << cert_out << "\n";
                return 1;
            }
        }
        std::cout << "listening on " << server.base_url() << std::endl;  // flushes

        signals.async_wait([](const boost::system::error_code&, int) {});
        signals_context.run();
    } catch (const std::exception& e) {
        std::cerr << "trawl-testserver: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
