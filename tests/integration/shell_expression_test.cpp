// The parts of `trawl shell` that need no terminal or download: splitting a
// line into steps, evaluating them, the JSON printed, the page written by
// view and the URL a typed target becomes.

#include "cli/shell_expression.hpp"
#include "cli/shell_page.hpp"

#include <trawl/response.hpp>
#include <trawl/selector.hpp>

#include <gtest/gtest.h>

namespace trawl::cli {
namespace {

using Strings = std::vector<std::string>;
using Kind = ShellStep::Kind;

ShellExpression expression(std::string_view line)
{
    auto parsed = parse_shell_line(line);
    auto* result = std::get_if<ShellExpression>(&parsed);
    EXPECT_NE(result, nullptr) << line;
    return result != nullptr ? *result : ShellExpression{};
}

Strings run(std::string_view line, const Selector& root)
{
    return evaluate_shell_expression(expression(line), root);
}

const Selector& page()
{
    static const Selector root = Selector::from_html(R"(<html><head><title>T</title></head><body>
<div class="quote"><span class="text">one two</span><a href="/page/1?x=a&amp;y=b">next</a></div>
<div class="quote"><span class="text">three</span><a href="/page/22">more</a></div>
</body></html>)");
    return root;
}

TEST(ShellLine, SplitsStepsAtPrefixesAfterWhiteSpace)
{
    const auto parsed = expression(R"(css:div.quote span.text::text   re:\w+ xpath:.)");
    ASSERT_EQ(parsed.steps.size(), 3u);
    EXPECT_EQ(parsed.steps[0].kind, Kind::css);
    EXPECT_EQ(parsed.steps[0].argument, "div.quote span.text::text");
    EXPECT_EQ(parsed.steps[0].offset, 4u);
    EXPECT_EQ(parsed.steps[1].kind, Kind::re);
    EXPECT_EQ(parsed.steps[1].argument, R"(\w+)");
    EXPECT_EQ(parsed.steps[1].offset, 35u);
    EXPECT_EQ(parsed.steps[2].kind, Kind::xpath);
    EXPECT_EQ(parsed.steps[2].argument, ".");
}

TEST(ShellLine, PrefixesInsideBracketsQuotesAndClassesStayInTheirStep)
{
    const auto exslt = expression("xpath://a[@href and re:test(@href, 'page')]");
    ASSERT_EQ(exslt.steps.size(), 1u);
    EXPECT_EQ(exslt.steps[0].argument, "//a[@href and re:test(@href, 'page')]");

    const auto quoted = expression(R"(xpath://a[text() = " css:x"] re:[ re:]+)");
    ASSERT_EQ(quoted.steps.size(), 2u);
    EXPECT_EQ(quoted.steps[0].argument, R"(//a[text() = " css:x"])");
    EXPECT_EQ(quoted.steps[1].argument, "[ re:]+");

    const auto escaped = expression(R"(re:a\ re:b)");
    ASSERT_EQ(escaped.steps.size(), 1u);
}

TEST(ShellLine, CommandsCommentsAndEmptySteps)
{
    const auto command = parse_shell_line("  view --open  out.html ");
    ASSERT_TRUE(std::holds_alternative<ShellCommand>(command));
    EXPECT_EQ(std::get<ShellCommand>(command).name, "view");
    EXPECT_EQ(std::get<ShellCommand>(command).arguments, (Strings{"--open", "out.html"}));
    EXPECT_TRUE(std::holds_alternative<ShellNothing>(parse_shell_line("   ")));
    EXPECT_TRUE(std::holds_alternative<ShellNothing>(parse_shell_line("# css:a")));
    try {
        parse_shell_line("css:a re:  ");
        FAIL() << "an empty step";
    } catch (const ShellError& e) {
        EXPECT_NE(std::string(e.what()).find("empty 're:'"), std::string::npos) << e.what();
        EXPECT_EQ(e.position(), 11u);
    }
}

TEST(ShellEvaluate, CssXpathAndChainedRe)
{
    EXPECT_EQ(run("css:span.text::text", page()), (Strings{"one two", "three"}));
    EXPECT_EQ(run("xpath://a/@href", page()), (Strings{"/page/1?x=a&y=b", "/page/22"}));
    EXPECT_EQ(run(R"(css:a::attr(href) re:page/(\d+))", page()), (Strings{"1", "22"}));
    EXPECT_EQ(run(R"(css:span.text::text re:\w+ re:^t(.))", page()), (Strings{"w", "h"}));
    EXPECT_EQ(run(R"(css:a::attr(href) re:(\w)=(\w))", page()), (Strings{"x", "a", "y", "b"}));
    EXPECT_EQ(run(R"(css:a::attr(href) re:^/\w+ re:(?P<extract>.)|z)", page()), (Strings{"/", "/"}));
    EXPECT_EQ(run("css:div.quote xpath:./a/text()", page()), (Strings{"next", "more"}));
    EXPECT_EQ(run("re:<title>(.*)</title>", page()), (Strings{"T"}));
    EXPECT_EQ(run("css:table", page()), Strings{});
}

TEST(ShellEvaluate, ErrorsPointIntoTheLine)
{
    const auto expect_error = [](std::string_view line, std::string_view mentions, std::size_t position) {
        try {
            run(line, page());
            ADD_FAILURE() << line << ": no error";
        } catch (const ShellError& e) {
            EXPECT_NE(std::string(e.what()).find(mentions), std::string::npos) << e.what();
            EXPECT_EQ(e.position(), position) << line << ": " << e.what();
        }
    };
    expect_error("css:div[", "invalid CSS selector 'div['", 8);
    expect_error("css:div re:x css:a", "'css:' cannot follow 're:'", 13);
    expect_error("css:a re:(x", "(x", 11);
}

TEST(ShellJson, OneLineArrayOfStrings)
{
    EXPECT_EQ(shell_json({}), "[]");
    EXPECT_EQ(shell_json({"a\"b", "caf\xc3\xa9", "line\nbreak"}), "[\"a\\\"b\",\"caf\xc3\xa9\",\"line\\nbreak\"]");
}

Response html_response(std::string url, std::string body, std::string content_type = "text/html")
{
    Response::Data data;
    data.url = std::move(url);
    data.body = std::move(body);
    data.headers.add("Content-Type", std::move(content_type));
    return Response{std::move(data)};
}

TEST(ShellView, AddsCharsetAndBaseAtTheStartOfHead)
{
    const auto page = html_response("https://example.com/a?b=1&c=\"2\"",
                                    "<!DOCTYPE html><HTML><Head lang=en><header></header><title>x</title></Head></HTML>");
    EXPECT_EQ(view_document(page),
              "<!DOCTYPE html><HTML><Head lang=en><meta charset=\"utf-8\">"
              "<base href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\"><header></header><title>x</title></Head></HTML>");

    const auto based = html_response("https://example.com/", "<html><head><base href=\"/x/\"></head></html>");
    EXPECT_EQ(view_document(based), "<html><head><meta charset=\"utf-8\"><base href=\"/x/\"></head></html>");

    const auto headless = html_response("https://example.com/", "<!doctype html><p>hi");
    EXPECT_EQ(view_document(headless),
              "<!doctype html><meta charset=\"utf-8\"><base href=\"https://example.com/\"><p>hi");

    // Written as the spider decoded it: UTF-8, whatever the page was in.
    const auto latin = html_response("https://example.com/", "<html><head></head><p>caf\xe9</p></html>",
                                     "text/html; charset=windows-1252");
    EXPECT_NE(view_document(latin).find("<p>caf\xc3\xa9</p>"), std::string::npos);

    const auto json = html_response("https://example.com/", R"({"a": 1})", "application/json");
    EXPECT_EQ(view_document(json), R"({"a": 1})");
}

TEST(ShellPage, TargetsBecomeUrls)
{
    EXPECT_EQ(page_url("https://example.com/x"), "https://example.com/x");
    EXPECT_EQ(page_url("/tmp/a b/page.html"), "file:///tmp/a%20b/page.html");
    EXPECT_EQ(page_url("example.com"), "http://example.com/");
    EXPECT_EQ(page_url("data:,hi"), "data:,hi");
    EXPECT_EQ(page_url("page.html").rfind("file:///", 0), 0u);
    EXPECT_THROW(page_url("ftp://example.com/"), std::invalid_argument);
}

} // namespace
} // namespace trawl::cli
