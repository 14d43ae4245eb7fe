#pragma once
// Serves the demo site over HTTP/1.1 (keep-alive) on 127.0.0.1, on its own
// thread, so the crawl's event loop and the server never share a thread.

#include "demo/demo_site.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace trawl::demo {

class DemoServer {
public:
    /// Starts at once; port 0 = any free port.
    explicit DemoServer(const DemoSite& site, std::uint16_t port = 0);
    ~DemoServer();  // stops and joins
    DemoServer(const DemoServer&) = delete;
    DemoServer& operator=(const DemoServer&) = delete;

    /// "http://127.0.0.1:PORT"
    std::string base_url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace trawl::demo
