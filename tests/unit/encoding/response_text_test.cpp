// Response::text()/encoding(): decoded once per response, shared by its
// copies, thread-safe, without a copy for UTF-8; and Response::selector()
// seeing the same characters as text().

#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace trawl {
namespace {

Response make_response(std::string body, std::string content_type)
{
    Response::Data data;
    data.url = "https://example.com/page";
    data.body = std::move(body);
    if (!content_type.empty()) {
        data.headers.add("Content-Type", std::move(content_type));
    }
    return Response(std::move(data));
}

const std::string shift_jis_page = "<html><head><meta charset=\"Shift_JIS\"><title>\x83\x65\x83\x58\x83\x67</title>"
                                   "</head><body><p>\x82\xA0</p></body></html>";
const std::string test_in_katakana = "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88"; // テスト

TEST(ResponseText, Utf8PageIsTheBodyItself)
{
    const auto response = make_response("<p>caf\xC3\xA9</p>", "text/html; charset=utf-8");
    EXPECT_EQ(response.text(), "<p>caf\xC3\xA9</p>");
    EXPECT_EQ(response.encoding(), "UTF-8");
    EXPECT_EQ(response.text().data(), response.body().data()) << "no copy";
}

TEST(ResponseText, Utf8ByteOrderMarkIsSkippedWithoutACopy)
{
    const auto response = make_response("\xEF\xBB\xBF<p>x</p>", "");
    EXPECT_EQ(response.text(), "<p>x</p>");
    EXPECT_EQ(response.text().data(), response.body().data() + 3);
}

TEST(ResponseText, Windows1252PageByHeader)
{
    const auto response = make_response("<p>caf\xE9 \x80</p>", "text/html; charset=ISO-8859-1");
    EXPECT_EQ(response.text(), "<p>caf\xC3\xA9 \xE2\x82\xAC</p>");
    EXPECT_EQ(response.encoding(), "windows-1252");
    EXPECT_EQ(response.css("p::text").get(), "caf\xC3\xA9 \xE2\x82\xAC");
}

TEST(ResponseText, ShiftJisPageByMeta)
{
    const auto response = make_response(shift_jis_page, "text/html");
    EXPECT_EQ(response.encoding(), "Shift_JIS");
    EXPECT_NE(response.text().find("<title>" + test_in_katakana + "</title>"), std::string::npos);
    EXPECT_EQ(response.css("title::text").get(), test_in_katakana);
    EXPECT_EQ(response.xpath("//p/text()").get(), "\xE3\x81\x82");
    // Markup comes out as UTF-8 too, whatever the page's <meta> says.
    EXPECT_EQ(response.css("title").get(), "<title>" + test_in_katakana + "</title>");
}

TEST(ResponseText, ByteOrderMarkOverridesTheHeader)
{
    // "<p>é</p>" in UTF-16LE, sent as windows-1252.
    const std::string body("\xFF\xFE<\0p\0>\0\xE9\0<\0/\0p\0>\0", 18);
    const auto response = make_response(body, "text/html; charset=windows-1252");
    EXPECT_EQ(response.encoding(), "UTF-16LE");
    EXPECT_EQ(response.text(), "<p>\xC3\xA9</p>");
    EXPECT_EQ(response.css("p::text").get(), "\xC3\xA9");
}

TEST(ResponseText, InvalidBytesBecomeReplacementCharacters)
{
    const auto declared = make_response("<p>a\xFF" "b\xE3\xAB</p>", "text/html; charset=utf-8");
    EXPECT_EQ(declared.text(), "<p>a\xEF\xBF\xBD" "b\xEF\xBF\xBD</p>");
    EXPECT_EQ(declared.encoding(), "UTF-8");
    EXPECT_EQ(declared.css("p::text").get(), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");

    const auto sjis = make_response("<p>\x83</p>\x83", "text/html; charset=shift_jis");
    EXPECT_EQ(sjis.text().substr(0, 3), "<p>");
    EXPECT_EQ(sjis.text().substr(sjis.text().size() - 3), "\xEF\xBF\xBD");
}

TEST(ResponseText, UndeclaredNonUtf8IsReadAsWindows1252)
{
    // Scrapy's guess when nothing declares an encoding.
    const auto legacy = make_response("<p>caf\xE9</p>", "text/html");
    EXPECT_EQ(legacy.encoding(), "windows-1252");
    EXPECT_EQ(legacy.text(), "<p>caf\xC3\xA9</p>");
    const auto utf8 = make_response("<p>caf\xC3\xA9</p>", "");
    EXPECT_EQ(utf8.encoding(), "UTF-8");
    EXPECT_EQ(utf8.text().data(), utf8.body().data());
}

TEST(ResponseText, CopiesShareOneDecode)
{
    const auto response = make_response(shift_jis_page, "text/html");
    const Response copy = response;
    const std::string_view a = copy.text();
    const std::string_view b = response.text();
    EXPECT_EQ(a.data(), b.data()) << "one decoded text for both handles";
    EXPECT_EQ(response.encoding().data(), copy.encoding().data());
    EXPECT_NE(a.data(), response.body().data()); // it was converted

    // Another Response with the same data has its own.
    Response::Data data;
    data.body = shift_jis_page;
    const Response other(std::move(data));
    EXPECT_EQ(other.text(), a);
    EXPECT_NE(other.text().data(), a.data());
}

TEST(ResponseText, ConcurrentFirstUseDecodesOnce)
{
    std::string body = "<meta charset=koi8-r>";
    for (int i = 0; i < 5000; ++i) {
        body += "<p>\xCB\xC1\xD4</p>";
    }
    const auto response = make_response(body, "");
    std::vector<std::thread> threads;
    std::vector<const char*> seen(6, nullptr);
    for (std::size_t t = 0; t < seen.size(); ++t) {
        threads.emplace_back([&, t] {
            const Response mine = response;
            seen[t] = mine.text().data();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const char* p : seen) {
        EXPECT_EQ(p, seen.front());
    }
    EXPECT_EQ(response.text().size(), 21 + 5000 * (7 + 6));
}

TEST(ResponseText, SelectorUsesTheSameEncodingAsText)
{
    // A <meta> in a page without a header charset decides for both: this
    // UTF-8 page declares ISO-8859-1, and is read as windows-1252 as
    // Scrapy would.
    const auto mislabelled = make_response("<meta charset=iso-8859-1><p>caf\xC3\xA9</p>", "text/html");
    EXPECT_EQ(mislabelled.encoding(), "windows-1252");
    EXPECT_EQ(mislabelled.css("p::text").get(), "caf\xC3\x83\xC2\xA9");
    EXPECT_NE(mislabelled.text().find("caf\xC3\x83\xC2\xA9"), std::string::npos);

    // XML names its encoding in its declaration.
    const auto feed = make_response("<?xml version=\"1.0\" encoding=\"windows-1251\"?><r>\xEA\xE0\xF2</r>", "text/xml");
    EXPECT_EQ(feed.encoding(), "windows-1251");
    EXPECT_EQ(feed.css("r::text").get(), "\xD0\xBA\xD0\xB0\xD1\x82");

    // UTF-16 XML with a byte order mark.
    const std::string utf16("\xFE\xFF\0<\0r\0>\0\xE9\0<\0/\0r\0>", 18);
    const auto wide = make_response(utf16, "application/xml");
    EXPECT_EQ(wide.css("r::text").get(), "\xC3\xA9");
}

TEST(ResponseText, DefaultResponseIsEmpty)
{
    const Response empty;
    EXPECT_EQ(empty.text(), "");
    EXPECT_EQ(empty.encoding(), "UTF-8");
}

} // namespace
} // namespace trawl
