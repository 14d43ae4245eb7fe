#include <trawl/response.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

trawl::Response response(std::optional<std::string> content_type, std::string body)
{
    trawl::Response::Data data;
    data.url = "http://example.com/";
    if (content_type) {
        data.headers.set("Content-Type", *content_type);
    }
    data.body = std::move(body);
    return trawl::Response{std::move(data)};
}

TEST(ResponseIsHtml, TheContentTypeDecides)
{
    for (const char* type : {"text/html", "TEXT/HTML; charset=latin-1", " application/xhtml+xml"}) {
        EXPECT_TRUE(response(type, "not markup at all").is_html()) << type;
    }
    for (const char* type : {"text/plain", "application/json", "application/xml", "image/png", ""}) {
        EXPECT_FALSE(response(type, "<!DOCTYPE html><html></html>").is_html()) << type;
    }
}

TEST(ResponseIsHtml, WithoutAContentTypeTheFirstKilobyteIsSniffed)
{
    EXPECT_TRUE(response(std::nullopt, "\n  <!doctype HTML><p>").is_html());
    EXPECT_TRUE(response(std::nullopt, "<?xml version='1.0'?><HTML>").is_html());
    EXPECT_TRUE(response(std::nullopt, "<html lang=en>").is_html());
    EXPECT_FALSE(response(std::nullopt, "<title>no html element</title>").is_html());
    EXPECT_FALSE(response(std::nullopt, "{\"html\": true}").is_html());
    EXPECT_FALSE(response(std::nullopt, "").is_html());
    EXPECT_FALSE(response(std::nullopt, std::string(1024, ' ') + "<html>").is_html()) << "past the first KiB";
}

} // namespace
