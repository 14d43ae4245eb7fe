#pragma once
// Download handlers that need no network: file:// (read on a blocking-I/O
// thread, never on the loop) and data: (RFC 2397, decoded in place).

#include <trawl/download_handler.hpp>

#include <boost/asio/any_io_executor.hpp>

namespace trawl::detail {

class FileDownloadHandler final : public DownloadHandler {
public:
    /// `blocking_executor` runs the file reads (a thread pool's executor).
    explicit FileDownloadHandler(boost::asio::any_io_executor blocking_executor);
    boost::asio::awaitable<DownloadResult> download(Request request, DownloadLimits limits) override;

private:
    boost::asio::any_io_executor blocking_executor_;
};

class DataDownloadHandler final : public DownloadHandler {
public:
    boost::asio::awaitable<DownloadResult> download(Request request, DownloadLimits limits) override;
};

} // namespace trawl::detail
