// The scanner against the pages the crawl tests use: the test server's
// /page/N link site and /links/N tree, fetched with the real Downloader,
// compared with a plain string-search reference that knows those pages'
// simple shape (every link is <a href="...">, the title is <title>X</title>).

#include "support/run_coro.hpp"
#include "support/test_server.hpp"

#include <trawl/downloader.hpp>
#include <trawl/html_links.hpp>
#include <trawl/settings.hpp>
#include <trawl/url.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace trawl::testing {
namespace {

std::vector<std::string> reference_hrefs(std::string_view body)
{
    std::vector<std::string> out;
    for (auto at = body.find("href=\""); at != std::string_view::npos; at = body.find("href=\"", at)) {
        at += 6;
        const auto end = body.find('"', at);
        out.emplace_back(body.substr(at, end - at));
        at = end;
    }
    return out;
}

std::string reference_title(std::string_view body)
{
    const auto start = body.find("<title>") + 7;
    return std::string(body.substr(start, body.find("</title>") - start));
}

class SitePages : public ::testing::Test {
protected:
    std::string get(const std::string& url)
    {
        auto result = run_coro(loop_, downloader_.fetch(Request{url}));
        EXPECT_TRUE(result.has_value()) << url;
        if (!result) {
            return {};
        }
        EXPECT_EQ(result->status(), 200) << url;
        return std::string(result->body());
    }

    TestServer server_;
    Settings settings_;
    boost::asio::io_context loop_{1};
    Downloader downloader_{loop_.get_executor(), settings_};
};

TEST_F(SitePages, LinkSitePagesAgreeWithTheReference)
{
    for (int n : {0, 1, 7, 123, 1999}) {
        const auto page_url = server_.url("/page/" + std::to_string(n));
        const auto body = get(page_url);
        ASSERT_GT(body.size(), 20'000u);
        const auto page = scan_links(body);
        EXPECT_EQ(page.title, "Page " + std::to_string(n));
        EXPECT_EQ(page.title, reference_title(body));
        EXPECT_FALSE(page.base_href);
        const auto expected_hrefs = reference_hrefs(body);
        EXPECT_EQ(page.hrefs, expected_hrefs);
        EXPECT_EQ(page.hrefs.size(), 21u);

        // Resolved: every page link the reference finds, without fragments,
        // each once; the example.invalid link is http too and stays.
        std::vector<std::string> expected_urls;
        std::set<std::string> seen;
        for (const auto& href : expected_hrefs) {
            auto joined = urljoin(page_url, href);
            ASSERT_TRUE(joined) << href;
            auto url = joined->substr(0, joined->find('#'));
            if (seen.insert(url).second) {
                expected_urls.push_back(url);
            }
        }
        const auto resolved = resolve_links(page, page_url);
        EXPECT_EQ(resolved, expected_urls);
        EXPECT_EQ(resolved.front(), server_.url("/page/" + std::to_string((n + 1) % server_.site_pages())));
        for (const auto& url : resolved) {
            EXPECT_EQ(url.find('#'), std::string::npos) << url;
            if (url != "http://example.invalid/") {
                EXPECT_EQ(url.rfind(server_.url("/page/"), 0), 0u) << url;
            }
        }
    }
}

TEST_F(SitePages, LinkTreePagesAgreeWithTheReference)
{
    const auto page_url = server_.url("/links/3?count=4");
    const auto body = get(page_url);
    const auto page = scan_links(body);
    EXPECT_EQ(page.title, "Links 3");
    EXPECT_EQ(page.hrefs, reference_hrefs(body));
    EXPECT_EQ(resolve_links(page, page_url),
              (std::vector<std::string>{server_.url("/links/13?count=4"), server_.url("/links/14?count=4"),
                                        server_.url("/links/15?count=4"), server_.url("/links/16?count=4")}));
}

TEST_F(SitePages, IndexPage)
{
    const auto body = get(server_.url("/"));
    const auto page = scan_links(body);
    EXPECT_EQ(page.title, "trawl test server");
    EXPECT_EQ(page.hrefs, reference_hrefs(body));
}

} // namespace
} // namespace trawl::testing
