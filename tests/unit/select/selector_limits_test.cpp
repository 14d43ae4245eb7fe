// Hostile and oversized input: every document either parses whole or fails
// with std::length_error naming the limit (parse_limits.hpp); never a crash,
// a hang, or a silently truncated document. XML never expands entities past
// a bound and never loads anything.

#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include "select/parse_limits.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace trawl {
namespace {

using Clock = std::chrono::steady_clock;

// Generous: these guard against minutes-long hangs, on a loaded machine
// and under sanitizers.
constexpr auto bounded = std::chrono::seconds(20);

Response make_response(std::string body, std::string url, std::string content_type = "text/html; charset=utf-8")
{
    Response::Data data;
    data.url = std::move(url);
    data.body = std::move(body);
    data.headers.add("Content-Type", std::move(content_type));
    return Response(std::move(data));
}

std::string nested(int depth, std::string_view open, std::string_view close, std::string_view inner,
                   std::string_view before = "", std::string_view after = "")
{
    std::string out(before);
    out.reserve(static_cast<std::size_t>(depth) * (open.size() + close.size()) + 64);
    for (int i = 0; i < depth; ++i) {
        out += open;
    }
    out += inner;
    for (int i = 0; i < depth; ++i) {
        out += close;
    }
    out += after;
    return out;
}

/// Runs `f`, which must throw std::length_error; returns its message.
template <typename F>
std::string length_error_of(F f)
{
    try {
        f();
    } catch (const std::length_error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no std::length_error";
    return {};
}

std::string billion_laughs(std::string_view use)
{
    std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int j = 0; j < 10; ++j) {
            bomb += "&lol" + std::to_string(i - 1) + ";";
        }
        bomb += "\">\n";
    }
    bomb += "]>\n";
    bomb += use;
    return bomb;
}

TEST(SelectorLimits, HundredMegabytePageFailsThatResponseOnly)
{
    std::string body = "<html><body><p>";
    body.resize(100u * 1024 * 1024, 'x');
    body += "</p></body></html>";
    const auto big = make_response(std::move(body), "https://example.com/big");
    const auto start = Clock::now();
    const std::string why = length_error_of([&] { big.css("p"); });
    EXPECT_NE(why.find(std::to_string(Selector::max_document_size)), std::string::npos) << why;
    EXPECT_LT(Clock::now() - start, bounded);
    // Still refused on the next call (nothing half-cached), and other pages are unaffected.
    EXPECT_THROW(big.xpath("//p"), std::length_error);
    const auto small = make_response("<p>fine</p>", "https://example.com/small");
    EXPECT_EQ(small.css("p::text").get(), "fine");
}

TEST(SelectorLimits, TextNodeOverLibxml2sTenMegabytes)
{
    // HUGE lifts libxml2's 10 MB text node limit for HTML; max_document_size bounds it.
    const std::string text(12u * 1024 * 1024, 'y');
    const auto html = Selector::from_html("<p>" + text + "</p><b>after</b>");
    EXPECT_EQ(html.css("p::text").get()->size(), text.size());
    EXPECT_EQ(html.css("b::text").get(), "after");
    // XML keeps libxml2's limits: refused, not cut short.
    const std::string why = length_error_of([&] { Selector::from_xml("<r><p>" + text + "</p><b>after</b></r>"); });
    EXPECT_NE(why.find("libxml2 limit"), std::string::npos) << why;
}

TEST(SelectorLimits, HtmlNestedToTheLimitWorks)
{
    // <html><body> plus the divs: exactly at the limit.
    const int divs = detail::max_html_depth - 3;
    const auto s = Selector::from_html(nested(divs, "<div>", "</div>", "<span id=deep>found</span>", "<html><body>",
                                              "</body></html>"));
    EXPECT_EQ(s.css("#deep::text").get(), "found");
    EXPECT_EQ(s.xpath("count(//div)").get(), std::to_string(divs) + ".0");
    EXPECT_EQ(s.css("#deep").xpath("count(ancestor::*)").get(), std::to_string(divs + 2) + ".0");
    EXPECT_EQ(s.xpath("string(/html)").get(), "found");
    EXPECT_EQ(s.xpath("normalize-space(//body)").get(), "found");
    const std::string markup = s.get();
    EXPECT_NE(markup.find(R"(<span id="deep">found</span>)"), std::string::npos);
    EXPECT_EQ(s.css("body > div").size(), 1u);
    EXPECT_EQ(s.css("div div div span").size(), 1u);
    EXPECT_EQ(s.css("div").size(), static_cast<std::size_t>(divs));
}

TEST(SelectorLimits, HtmlNestedHundredThousandDeepIsRefused)
{
    const auto start = Clock::now();
    const std::string page = nested(100'000, "<div>", "</div>", "x", "<html><body>", "</body></html>");
    const std::string why = length_error_of([&] { Selector::from_html(page); });
    EXPECT_NE(why.find(std::to_string(detail::max_html_depth) + " elements"), std::string::npos) << why;
    // Unclosed elements too (nothing to close them is the cheap case for the parser).
    EXPECT_THROW(Selector::from_html(nested(100'000, "<b>", "", "x")), std::length_error);
    const auto response = make_response(page, "https://example.com/deep");
    EXPECT_THROW(response.css("div"), std::length_error);
    EXPECT_LT(Clock::now() - start, bounded);
}

TEST(SelectorLimits, StrayEndTagsDeepDownDoNotHang)
{
    // libxml2 searches every open element for each stray end tag: without
    // the budget this 4 MB page takes 4 x 10^9 steps.
    const auto start = Clock::now();
    std::string hostile = nested(detail::max_html_depth - 10, "<div>", "", "x");
    for (int i = 0; i < 1'000'000; ++i) {
        hostile += "</p>";
    }
    const std::string why = length_error_of([&] { Selector::from_html(hostile); });
    EXPECT_NE(why.find("stray end tags"), std::string::npos) << why;
    EXPECT_LT(Clock::now() - start, bounded);
    // An ordinary amount of them is fine.
    const auto ok = Selector::from_html(nested(50, "<div>", "</div>", std::string(20'000, ' ') + "</p></i></b>x"));
    EXPECT_EQ(ok.xpath("count(//div)").get(), "50.0");
}

TEST(SelectorLimits, QuadraticQueriesHitTheOperationLimit)
{
    std::string wide = "<html><body>";
    for (int i = 0; i < 30'000; ++i) {
        wide += "<p>x</p>";
    }
    const auto s = Selector::from_html(wide);
    const auto start = Clock::now();
    try {
        s.xpath("//p[count(preceding::p) > 29990]");
        ADD_FAILURE() << "no SelectorError";
    } catch (const SelectorError& e) {
        EXPECT_NE(std::string(e.what()).find("operation limit"), std::string::npos) << e.what();
    }
    // ~1 s here, more under sanitizers; unbounded it runs for minutes.
    EXPECT_LT(Clock::now() - start, 3 * bounded);
    // Linear queries on the same tree are well within it.
    EXPECT_EQ(s.xpath("count(//p[last()])").get(), "1.0");
    EXPECT_EQ(s.xpath("string(//p[30000])").get(), "x");
    EXPECT_EQ(s.css("body p").size(), 30'000u);
}

TEST(SelectorLimits, XmlNestedDeeperThanLibxml2sLimitIsRefused)
{
    const auto ok = Selector::from_xml(nested(detail::max_xml_depth - 1, "<d>", "</d>", "<e>x</e>"));
    EXPECT_EQ(ok.css("e::text").get(), "x");
    for (const int depth : {detail::max_xml_depth + 1, 100'000}) {
        const std::string why = length_error_of([&] { Selector::from_xml(nested(depth, "<d>", "</d>", "x")); });
        EXPECT_NE(why.find(std::to_string(detail::max_xml_depth) + " elements"), std::string::npos) << why;
    }
    const auto response = make_response(nested(100'000, "<d>", "</d>", "x"), "https://example.com/deep.xml",
                                        "application/xml");
    EXPECT_THROW(response.xpath("//d"), std::length_error);
}

TEST(SelectorLimits, BillionLaughsNeverExpands)
{
    const auto start = Clock::now();
    for (const std::string_view use : {"<lolz>&lol9;</lolz>", "<lolz a=\"&lol9;\">x</lolz>",
                                       "<lolz><a>&lol5;</a><b>&lol9;</b></lolz>"}) {
        const std::string why = length_error_of([&] { Selector::from_xml(billion_laughs(use)); });
        EXPECT_NE(why.find("entit"), std::string::npos) << use << ": " << why;
    }
    EXPECT_LT(Clock::now() - start, bounded);
    // Even two levels trip libxml2's amplification check in a document this
    // small; plain internal entities read as lxml reads them.
    EXPECT_THROW(Selector::from_xml(billion_laughs("<lolz>&lol2;</lolz>")), std::length_error);
    const auto plain = Selector::from_xml("<!DOCTYPE r [<!ENTITY co \"ACME\"><!ENTITY both \"&co;&co;\">]>"
                                          "<r><a>&co;</a><b x=\"&both;\">&both;</b></r>");
    EXPECT_EQ(plain.text_content(), "ACMEACMEACME");
    EXPECT_TRUE(plain.css("a::text").empty());
}

TEST(SelectorLimits, ManyReferencesToOneEntityAreBounded)
{
    // libxml2 checks amplification only while parsing; reading this 110 KB
    // document's text would produce 100 MB.
    std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"" + std::string(10'000, 'x') + "\">]><r>";
    for (int i = 0; i < 10'000; ++i) {
        doc += "<a>&e;</a>";
    }
    doc += "</r>";
    const std::string why = length_error_of([&] { Selector::from_xml(doc); });
    EXPECT_NE(why.find(std::to_string(detail::max_entity_expansion)), std::string::npos) << why;
    // The same in attributes.
    std::string attrs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e \"" + std::string(10'000, 'x') + "\">]><r>";
    for (int i = 0; i < 10'000; ++i) {
        attrs += "<a v=\"&e;\"/>";
    }
    attrs += "</r>";
    EXPECT_THROW(Selector::from_xml(attrs), std::length_error);
}

/// A listening TCP socket on 127.0.0.1, port 0: did anyone connect?
class Listener {
public:
    Listener()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 8) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }
    ~Listener() { ::close(fd_); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    int port() const { return port_; }
    bool connected() const
    {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client >= 0) {
            ::close(client);
            return true;
        }
        return false;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(SelectorLimits, ExternalEntitiesAndDtdsAreNeverFetched)
{
    const Listener listener;
    const std::string http = "http://127.0.0.1:" + std::to_string(listener.port());
    const auto secret_path = std::filesystem::temp_directory_path() / ("trawl_xxe_" + std::to_string(::getpid()));
    {
        std::ofstream(secret_path) << "SECRET-MARKER";
    }
    const std::string file = "file://" + secret_path.string();
    const std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"" + http + "/external.dtd\" [\n"
                            "  <!ENTITY file SYSTEM \"" + file + "\">\n"
                            "  <!ENTITY web SYSTEM \"" + http + "/entity\">\n"
                            "  <!ENTITY % remote SYSTEM \"" + http + "/remote.dtd\">\n"
                            "  %remote;\n"
                            "  <!ENTITY % local SYSTEM \"" + file + "\">\n"
                            "  %local;\n"
                            "]>\n<r><a>&file;</a><b>&web;</b><c v=\"x\">text</c></r>";
    const auto s = Selector::from_xml(doc);
    EXPECT_EQ(s.name(), "r");
    EXPECT_EQ(s.css("c::text").get(), "text");
    for (const std::string& got : {s.get(), s.text_content(), *s.xpath("string(/r)").get(), *s.css("a").get()}) {
        EXPECT_EQ(got.find("SECRET-MARKER"), std::string::npos) << got;
    }
    EXPECT_EQ(s.css("a").front().text_content(), "");
    EXPECT_FALSE(listener.connected());
    std::filesystem::remove(secret_path);
}

} // namespace
} // namespace trawl
