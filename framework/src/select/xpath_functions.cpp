// XPath extension functions: EXSLT's re:test(), as lxml provides it to
// parsel users ("//a[re:test(@href, '\d+$')]").

#include "select/regex.hpp"
#include "select/xpath_eval.hpp"

#include <trawl/selector.hpp>

#include <libxml/xpath.h>

#include <memory>
#include <string>

namespace trawl::detail {
namespace {

thread_local std::string extension_error;

struct XmlCharDeleter {
    void operator()(xmlChar* s) const { xmlFree(s); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharDeleter>;

std::string_view view(const XmlString& s)
{
    return s ? std::string_view(reinterpret_cast<const char*>(s.get())) : std::string_view{};
}

/// re:test(string, pattern[, flags]): does the pattern match the string?
/// Flags: "i" ignores case; "g" (global) changes nothing for a test.
/// Exceptions must not cross libxml2's C frames: failures become an XPath
/// error and the message waits in extension_error.
void re_test(xmlXPathParserContextPtr ctxt, int nargs)
{
    if (nargs < 2 || nargs > 3) {
        xmlXPathErr(ctxt, XPATH_INVALID_ARITY);
        return;
    }
    XmlString flags;
    if (nargs == 3) {
        flags.reset(xmlXPathPopString(ctxt));
    }
    XmlString pattern(xmlXPathPopString(ctxt));
    XmlString subject(xmlXPathPopString(ctxt));
    if (xmlXPathCheckError(ctxt)) {
        return;
    }
    try {
        const bool caseless = view(flags).find('i') != std::string_view::npos;
        valuePush(ctxt, xmlXPathNewBoolean(regex_test(view(pattern), view(subject), caseless) ? 1 : 0));
    } catch (const std::exception& e) {
        extension_error = e.what();
        xmlXPathErr(ctxt, XPATH_EXPR_ERROR);
    }
}

} // namespace

void register_extension_functions(xmlXPathContextPtr context)
{
    xmlXPathRegisterFuncNS(context, BAD_CAST "test", BAD_CAST exslt_regexp_namespace, re_test);
}

std::string take_extension_error()
{
    std::string out = std::move(extension_error);
    extension_error.clear();
    return out;
}

} // namespace trawl::detail
