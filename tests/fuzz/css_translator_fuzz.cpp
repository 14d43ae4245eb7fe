// libFuzzer target: arbitrary text as a CSS selector. The translator must
// either return XPath or throw SelectorError with a position inside the
// selector; anything else (a crash, a sanitizer report, another exception,
// a hang) is a bug. What it returns must be XPath that libxml2 compiles and
// evaluates on a small document, in both the HTML and the XML semantics.
//
// Run through run_fuzzer.sh (see README.md).

#include "select/css_translator.hpp"

#include <trawl/selector.hpp>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace trawl {
// selector.cpp defines this constructor, but it brings the whole selector
// area (and its libraries) with it; the translator needs only the class.
SelectorError::SelectorError(const std::string& message, std::string query, std::size_t position)
    : std::invalid_argument(message), query_(std::move(query)), position_(position)
{
}
} // namespace trawl

namespace {

// Something for most selectors to match or miss: ids, classes, attributes
// with and without values, a lang, siblings of several types, an empty
// element, form controls for the HTML pseudo-classes, text to :contains().
constexpr std::string_view html_page = R"(<!DOCTYPE html>
<html lang="en"><head><title>t</title><link href="/s.css" rel="stylesheet"></head>
<body><div id="main" class="a b-c" data-x="1 2">
<p class="a">one <b>two</b> <em lang="fr-CA">trois</em></p><p></p><span title='q"x'>s</span>
<ul><li>1</li><li class="odd">2</li><li>3</li></ul>
<a href="http://127.0.0.1/x" rel="nofollow">link</a><a name="n">anchor</a>
<form><input type="checkbox" checked><input type="text" disabled><select><option selected>o</option></select></form>
</div></body></html>)";

constexpr std::string_view xml_page = R"(<?xml version="1.0"?>
<root xmlns:ns="http://example.invalid/ns" xml:lang="en"><ns:item id="i1" class="a">x</ns:item>
<item id="i2"><sub lang="de">y</sub><sub/></item><other a="b" c="d e"/></root>)";

struct Documents {
    xmlDocPtr html = nullptr;
    xmlDocPtr xml = nullptr;
};

void ignore_error(void*, xmlErrorPtr) {}

Documents& documents()
{
    static Documents docs = [] {
        Documents d;
        d.html = htmlReadMemory(html_page.data(), static_cast<int>(html_page.size()), "http://127.0.0.1/", "UTF-8",
                                HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        d.xml = xmlReadMemory(xml_page.data(), static_cast<int>(xml_page.size()), "http://127.0.0.1/", nullptr,
                              XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET);
        if (d.html == nullptr || d.xml == nullptr) {
            std::fprintf(stderr, "css_translator_fuzz: the fixed documents did not parse\n");
            std::abort();
        }
        return d;
    }();
    return docs;
}

[[noreturn]] void fail(std::string_view what, std::string_view selector, bool html, const std::string& xpath, int code)
{
    std::fprintf(stderr, "css_translator_fuzz: %.*s (%s semantics, libxml2 error %d)\n  selector: '%.*s'\n  xpath: %s\n",
                 static_cast<int>(what.size()), what.data(), html ? "HTML" : "XML", code,
                 static_cast<int>(selector.size()), selector.data(), xpath.c_str());
    std::abort();
}

void check(std::string_view selector, bool html)
{
    std::string xpath;
    try {
        xpath = trawl::detail::css::to_xpath(selector, html);
    } catch (const trawl::SelectorError& e) {
        // The documented failure: it must point into the selector (the end
        // counts, for "expected ... got end of input").
        if (e.position() != trawl::SelectorError::no_position && e.position() > selector.size()) {
            fail("SelectorError position past the end", selector, html, e.what(), 0);
        }
        return;
    }
    if (xpath.empty()) {
        fail("empty translation", selector, html, xpath, 0);
    }

    xmlDocPtr doc = html ? documents().html : documents().xml;
    xmlXPathContextPtr context = xmlXPathNewContext(doc);
    context->error = ignore_error; // no printing; the code lands in lastError
    context->node = reinterpret_cast<xmlNodePtr>(doc);
    xmlXPathCompExprPtr compiled = xmlXPathCtxtCompile(context, reinterpret_cast<const xmlChar*>(xpath.c_str()));
    if (compiled == nullptr) {
        fail("translation is not XPath libxml2 compiles", selector, html, xpath, context->lastError.code);
    }
    xmlXPathObjectPtr result = xmlXPathCompiledEval(compiled, context);
    const int code = context->lastError.code;
    // A namespace prefix ("ns|item") must be declared by the caller, as in
    // parsel; an undeclared one fails at evaluation and that is expected.
    if (result == nullptr && code != XML_XPATH_UNDEF_PREFIX_ERROR) {
        fail("translation does not evaluate", selector, html, xpath, code);
    }
    if (result != nullptr && result->type != XPATH_NODESET) {
        fail("translation does not select nodes", selector, html, xpath, code);
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeCompExpr(compiled);
    xmlXPathFreeContext(context);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    xmlInitParser();
    documents();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view selector(reinterpret_cast<const char*>(data), size);
    check(selector, true);
    check(selector, false);
    return 0;
}
