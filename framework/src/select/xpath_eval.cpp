#include "select/xpath_eval.hpp"

#include "select/css_translator.hpp"
#include "select/document.hpp"
#include "select/lru_cache.hpp"
#include "select/parse_limits.hpp"

#include <libxml/xpath.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

namespace trawl::detail {
namespace {

// Distinct queries a thread keeps compiled. A spider uses a few dozen.
constexpr std::size_t compiled_cache_capacity = 256;

struct CompiledExpression {
    xmlXPathCompExprPtr expression = nullptr;
    explicit CompiledExpression(xmlXPathCompExprPtr e) : expression(e) {}
    CompiledExpression(const CompiledExpression&) = delete;
    CompiledExpression& operator=(const CompiledExpression&) = delete;
    ~CompiledExpression() { xmlXPathFreeCompExpr(expression); }
};

/// libxml2 reports XPath errors through this callback when one is set
/// (otherwise it prints them); the error itself is read from lastError.
void ignore_error(void*, xmlErrorPtr) {}

struct ThreadXPathState {
    xmlXPathContextPtr context = nullptr;
    LruCache<std::shared_ptr<CompiledExpression>> cache{compiled_cache_capacity};
    bool custom_namespaces = false; ///< nsHash holds more than the defaults

    ThreadXPathState()
    {
        init_libxml();
        context = xmlXPathNewContext(nullptr);
        if (context == nullptr) {
            throw std::bad_alloc();
        }
        context->error = ignore_error;
        register_extension_functions(context);
        register_default_namespaces();
    }
    ~ThreadXPathState()
    {
        cache.clear();
        xmlXPathFreeContext(context);
    }
    ThreadXPathState(const ThreadXPathState&) = delete;
    ThreadXPathState& operator=(const ThreadXPathState&) = delete;

    void register_default_namespaces()
    {
        xmlXPathRegisterNs(context, BAD_CAST "re", BAD_CAST exslt_regexp_namespace);
    }
};

ThreadXPathState& thread_state()
{
    thread_local ThreadXPathState state;
    return state;
}

const char* xpath_error_text(int code)
{
    switch (code) {
    case XPATH_NUMBER_ERROR: return "malformed number";
    case XPATH_UNFINISHED_LITERAL_ERROR: return "unfinished string literal";
    case XPATH_START_LITERAL_ERROR: return "expected a string literal";
    case XPATH_VARIABLE_REF_ERROR: return "malformed variable reference";
    case XPATH_UNDEF_VARIABLE_ERROR: return "undefined variable";
    case XPATH_INVALID_PREDICATE_ERROR: return "invalid predicate";
    case XPATH_EXPR_ERROR: return "invalid expression";
    case XPATH_UNCLOSED_ERROR: return "missing closing bracket";
    case XPATH_UNKNOWN_FUNC_ERROR: return "unknown function";
    case XPATH_INVALID_OPERAND: return "invalid operand";
    case XPATH_INVALID_TYPE: return "invalid type";
    case XPATH_INVALID_ARITY: return "wrong number of arguments";
    case XPATH_INVALID_CTXT_SIZE: return "invalid context size";
    case XPATH_INVALID_CTXT_POSITION: return "invalid context position";
    case XPATH_MEMORY_ERROR: return "out of memory";
    case XPATH_UNDEF_PREFIX_ERROR: return "undefined namespace prefix";
    case XPATH_ENCODING_ERROR: return "encoding error";
    case XPATH_INVALID_CHAR_ERROR: return "invalid character";
    case XPATH_INVALID_CTXT: return "invalid context";
    case XPATH_STACK_ERROR: return "stack error";
    case XPATH_OP_LIMIT_EXCEEDED: return "operation limit exceeded";
    case XPATH_RECURSION_LIMIT_EXCEEDED: return "expression nested too deeply";
    default: return "XPath error";
    }
}

/// The last error on the context as (code, position), then cleared.
std::pair<int, std::size_t> take_error(xmlXPathContextPtr context)
{
    const int code = context->lastError.code - XML_XPATH_EXPRESSION_OK + XPATH_EXPRESSION_OK;
    const auto position = static_cast<std::size_t>(context->lastError.int1);
    xmlResetError(&context->lastError);
    return {code, position};
}

std::shared_ptr<CompiledExpression> compiled(ThreadXPathState& state, QueryLanguage language, bool html,
                                             std::string_view query)
{
    std::string key;
    key.reserve(query.size() + 2);
    key.push_back(static_cast<char>(language));
    key.push_back(html ? 'h' : 'x');
    key.append(query);
    if (auto* cached = state.cache.find(key)) {
        return *cached;
    }
    std::string xpath;
    if (language == QueryLanguage::css) {
        xpath = css::to_xpath(query, html);
    } else {
        if (query.find('\0') != std::string_view::npos) {
            throw SelectorError(fmt::format("invalid XPath expression '{}': NUL character", query),
                                std::string(query), query.find('\0'));
        }
        xpath = std::string(query);
    }
    xmlResetError(&state.context->lastError);
    xmlXPathCompExprPtr expression = xmlXPathCtxtCompile(state.context, BAD_CAST xpath.c_str());
    if (expression == nullptr) {
        const auto [code, position] = take_error(state.context);
        if (language == QueryLanguage::css) {
            throw SelectorError(fmt::format("CSS selector '{}' translated to XPath '{}' that libxml2 rejects: {}",
                                            query, xpath, xpath_error_text(code)),
                                std::string(query), SelectorError::no_position);
        }
        throw SelectorError(
            fmt::format("invalid XPath expression '{}': {} at {}", query, xpath_error_text(code), position),
            std::string(query), position);
    }
    return state.cache.insert(std::move(key), std::make_shared<CompiledExpression>(expression));
}

xmlXPathObjectPtr to_xpath_object(const XPathValue& value)
{
    if (const auto* s = std::get_if<std::string>(&value)) {
        return xmlXPathNewString(BAD_CAST s->c_str());
    }
    if (const auto* d = std::get_if<double>(&value)) {
        return xmlXPathNewFloat(*d);
    }
    return xmlXPathNewBoolean(std::get<bool>(value) ? 1 : 0);
}

void set_namespaces(ThreadXPathState& state, const std::vector<std::pair<std::string, std::string>>* namespaces)
{
    if (namespaces == nullptr || namespaces->empty()) {
        if (state.custom_namespaces) {
            xmlXPathRegisteredNsCleanup(state.context);
            state.register_default_namespaces();
            state.custom_namespaces = false;
        }
        return;
    }
    xmlXPathRegisteredNsCleanup(state.context);
    state.register_default_namespaces();
    for (const auto& [prefix, uri] : *namespaces) {
        xmlXPathRegisterNs(state.context, BAD_CAST prefix.c_str(), BAD_CAST uri.c_str());
    }
    state.custom_namespaces = true;
}

/// Removes the variables again even when evaluation throws.
struct VariableScope {
    xmlXPathContextPtr context;
    bool active = false;
    ~VariableScope()
    {
        if (active) {
            xmlXPathRegisteredVariablesCleanup(context);
        }
    }
};

struct ObjectDeleter {
    void operator()(xmlXPathObjectPtr object) const { xmlXPathFreeObject(object); }
};

void append_node(SelectorList& out, const Selector& origin, xmlNodePtr node)
{
    switch (node->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        out.push_back(SelectorAccess::node(origin, node, SelectorKind::text));
        break;
    case XML_ATTRIBUTE_NODE:
        out.push_back(SelectorAccess::node(origin, node, SelectorKind::attribute));
        break;
    case XML_NAMESPACE_DECL: {
        // A copy owned by the result object: keep only its URI.
        const auto* ns = reinterpret_cast<const xmlNs*>(node);
        const char* uri = ns->href != nullptr ? reinterpret_cast<const char*>(ns->href) : "";
        out.push_back(SelectorAccess::value(origin, uri));
        break;
    }
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
        // As lxml (and so parsel): the document node is not a result.
        break;
    default:
        out.push_back(SelectorAccess::node(origin, node, SelectorKind::element));
        break;
    }
}

} // namespace

std::string python_float_text(double value)
{
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string_view sci(buffer, static_cast<std::size_t>(result.ptr - buffer));
    std::string sign;
    if (sci.front() == '-') {
        sign = "-";
        sci.remove_prefix(1);
    }
    const std::size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.') {
            digits.push_back(c);
        }
    }
    int exponent = 0;
    std::string_view exp_text = sci.substr(e + 1);
    if (exp_text.front() == '+') {
        exp_text.remove_prefix(1);
    }
    std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    // Python's repr: positional for 1e-4 <= |x| < 1e16, else scientific.
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        }
        const auto int_digits = static_cast<std::size_t>(exponent + 1);
        if (digits.size() <= int_digits) {
            return sign + digits + std::string(int_digits - digits.size(), '0') + ".0";
        }
        return sign + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
    }
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) {
        mantissa += "." + digits.substr(1);
    }
    return fmt::format("{}{}e{}{:02d}", sign, mantissa, exponent < 0 ? '-' : '+', std::abs(exponent));
}

void evaluate_query(SelectorList& out, const Selector& context, QueryLanguage language, std::string_view query,
                    const XPathVariables* variables)
{
    const SelectorDocument* document = SelectorAccess::document(context);
    xmlNodePtr node = SelectorAccess::node_of(context);
    if (document == nullptr || node == nullptr) {
        return; // a value: parsel returns an empty list too
    }
    auto& state = thread_state();
    const auto expression = compiled(state, language, document->html, query);
    xmlXPathContextPtr xpath = state.context;
    xpath->doc = document->doc;
    xpath->node = node;
    xpath->contextSize = 1;
    xpath->proximityPosition = 1;
    set_namespaces(state, SelectorAccess::namespaces(context));
    VariableScope scope{xpath};
    if (variables != nullptr && !variables->empty()) {
        scope.active = true;
        for (const auto& [name, value] : *variables) {
            xmlXPathRegisterVariable(xpath, BAD_CAST name.c_str(), to_xpath_object(value));
        }
    }
    xmlResetError(&xpath->lastError);
    take_extension_error();
    // A query whose cost multiplies with the tree's depth or size fails
    // ("operation limit exceeded") instead of holding the thread for minutes.
    xpath->opLimit = max_xpath_operations;
    xpath->opCount = 0;
    std::unique_ptr<xmlXPathObject, ObjectDeleter> result(xmlXPathCompiledEval(expression->expression, xpath));
    xpath->doc = nullptr;
    xpath->node = nullptr;
    if (!result) {
        const int code = take_error(xpath).first; // evaluation errors have no useful position
        std::string why = take_extension_error();
        if (why.empty()) {
            why = xpath_error_text(code);
        }
        throw SelectorError(fmt::format("{} '{}' failed: {}",
                                        language == QueryLanguage::css ? "CSS selector" : "XPath expression", query,
                                        why),
                            std::string(query), SelectorError::no_position);
    }
    switch (result->type) {
    case XPATH_NODESET:
    case XPATH_XSLT_TREE:
        if (result->nodesetval != nullptr) {
            // Geometric growth: SelectorList::css() appends one batch per selector.
            const std::size_t needed = out.size() + static_cast<std::size_t>(result->nodesetval->nodeNr);
            if (needed > out.capacity()) {
                out.reserve(std::max(needed, 2 * out.capacity()));
            }
            for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
                append_node(out, context, result->nodesetval->nodeTab[i]);
            }
        }
        break;
    case XPATH_STRING:
        out.push_back(SelectorAccess::value(
            context, result->stringval != nullptr ? reinterpret_cast<const char*>(result->stringval) : ""));
        break;
    case XPATH_NUMBER:
        out.push_back(SelectorAccess::value(context, python_float_text(result->floatval)));
        break;
    case XPATH_BOOLEAN:
        out.push_back(SelectorAccess::value(context, result->boolval ? "1" : "0"));
        break;
    default:
        break;
    }
}

} // namespace trawl::detail
