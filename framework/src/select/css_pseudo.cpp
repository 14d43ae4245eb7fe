// Pseudo-classes (:nth-child(), :not(), :has(), ...) and parsel's
// pseudo-elements (::text, ::attr(name)).

#include "select/css_parser.hpp"
#include "select/css_translator.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace trawl::detail::css {
namespace {

// Nesting of :not/:is/:has; the parser recurses once per level.
constexpr int max_depth = 16;

// Bound on a and b of an+b, so that the arithmetic below cannot overflow.
constexpr long long max_nth = 1'000'000'000;

// cssselect's HTMLTranslator definitions (older HTML than today's standard:
// :link includes <link href>, :enabled includes links, a hidden input is
// never :disabled). The conformance cases pin them.
constexpr const char* html_link = "@href and (name(.) = 'a' or name(.) = 'link' or name(.) = 'area')";
constexpr const char* html_checked =
    "(@selected and name(.) = 'option') or (@checked and (name(.) = 'input' or name(.) = 'command') and "
    "(@type = 'checkbox' or @type = 'radio'))";
constexpr const char* html_form_control =
    "(name(.) = 'input' and @type != 'hidden') or name(.) = 'button' or name(.) = 'select' or "
    "name(.) = 'textarea'";
const std::string html_disabled = fmt::format(
    "(@disabled and ({0} or name(.) = 'command' or name(.) = 'fieldset' or name(.) = 'optgroup' or "
    "name(.) = 'option')) or (({0}) and ancestor::fieldset[@disabled])",
    html_form_control);
const std::string html_enabled = fmt::format(
    "(@href and (name(.) = 'a' or name(.) = 'link' or name(.) = 'area')) or "
    "((name(.) = 'command' or name(.) = 'fieldset' or name(.) = 'optgroup') and not(@disabled)) or "
    "(({0} or name(.) = 'keygen') and not(@disabled or ancestor::fieldset[@disabled])) or "
    "(name(.) = 'option' and not(@disabled or ancestor::optgroup[@disabled]))",
    html_form_control);

bool is_never_matching(const std::string& name)
{
    return name == "visited" || name == "hover" || name == "active" || name == "focus" || name == "target" ||
           name == "focus-within" || name == "focus-visible" || name == "target-within";
}

bool is_legacy_pseudo_element(const std::string& name)
{
    return name == "before" || name == "after" || name == "first-line" || name == "first-letter";
}

std::optional<long long> parse_integer(std::string_view s)
{
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
        if (!s.empty() && s.front() == '-') {
            return std::nullopt;
        }
    }
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || std::llabs(v) > max_nth) {
        return std::nullopt;
    }
    return v;
}

/// cssselect's series syntax on the joined argument text.
std::optional<std::pair<long long, long long>> series_of(const std::string& s)
{
    if (s == "odd") {
        return std::pair{2LL, 1LL};
    }
    if (s == "even") {
        return std::pair{2LL, 0LL};
    }
    const std::size_t n = s.find('n');
    if (n == std::string::npos) {
        const auto b = parse_integer(s);
        return b ? std::optional{std::pair{0LL, *b}} : std::nullopt;
    }
    const std::string_view a_text = std::string_view(s).substr(0, n);
    const std::string_view b_text = std::string_view(s).substr(n + 1);
    std::optional<long long> a;
    if (a_text.empty() || a_text == "+") {
        a = 1;
    } else if (a_text == "-") {
        a = -1;
    } else {
        a = parse_integer(a_text);
    }
    const std::optional<long long> b = b_text.empty() ? std::optional<long long>{0} : parse_integer(b_text);
    if (!a || !b) {
        return std::nullopt;
    }
    return std::pair{*a, *b};
}

/// The predicate for "position among the counted siblings is a*n+b for some
/// n >= 0", where `count` counts the siblings before (position - 1).
std::string nth_expression(const std::string& count, long long a, long long b)
{
    const long long k = b - 1; // position - b == count - k
    if (a == 0) {
        return k < 0 ? "0" : fmt::format("{} = {}", count, k);
    }
    std::string out;
    auto add = [&out](const std::string& part) { out += out.empty() ? part : " and " + part; };
    if (a > 0) {
        if (k > 0) {
            add(fmt::format("{} >= {}", count, k));
        }
        if (a != 1) {
            const std::string diff = k == 0  ? count
                                     : k > 0 ? fmt::format("{} - {}", count, k)
                                             : fmt::format("{} + {}", count, -k);
            add(fmt::format("({}) mod {} = 0", diff, a));
        }
        return out;
    }
    if (k < 0) {
        return "0";
    }
    add(fmt::format("{} <= {}", count, k));
    if (a != -1) {
        add(fmt::format("({} - {}) mod {} = 0", k, count, -a));
    }
    return out;
}

} // namespace

void Parser::pseudo(Compound& c, const CompoundContext& context)
{
    next(); // ':'
    if (peek().is_delim(':')) {
        next();
        const Token& name = next();
        if (name.type != TokenType::ident) {
            fail_got("a pseudo-element name", name);
        }
        pseudo_element(c, lower(name.value), name, context);
        return;
    }
    const Token& name = next();
    if (name.type != TokenType::ident) {
        fail_got("a pseudo-class name", name);
    }
    if (peek().is_delim('(')) {
        next();
        pseudo_function(c, lower(name.value), name, context);
    } else {
        pseudo_class(c, lower(name.value), name, context);
    }
}

void Parser::pseudo_element(Compound& c, const std::string& name, const Token& at, const CompoundContext& context)
{
    if (!context.top_level) {
        fail(fmt::format("pseudo-element ::{} inside a pseudo-class", name), at.position);
    }
    if (name == "text") {
        if (peek().is_delim('(')) {
            fail("::text takes no argument", peek().position);
        }
        c.pseudo_element = PseudoElement::text;
        return;
    }
    if (name == "attr") {
        if (!peek().is_delim('(')) {
            fail("::attr needs an attribute name: ::attr(name)", peek().position);
        }
        next();
        const auto arguments = function_arguments();
        if (arguments.size() != 1 ||
            (arguments[0].type != TokenType::ident && arguments[0].type != TokenType::string)) {
            fail("::attr() takes one attribute name", at.position);
        }
        c.pseudo_element = PseudoElement::attr;
        c.attribute = attribute_name_expression(arguments[0].value, {});
        return;
    }
    fail(fmt::format("unknown pseudo-element ::{} (only ::text and ::attr(name) exist)", name), at.position);
}

void Parser::pseudo_class(Compound& c, const std::string& name, const Token& at, const CompoundContext& context)
{
    if (name == "first-child") {
        c.conditions.emplace_back("not(preceding-sibling::*)");
    } else if (name == "last-child") {
        c.conditions.emplace_back("not(following-sibling::*)");
    } else if (name == "only-child") {
        // As cssselect: the root element is not an only child.
        c.conditions.emplace_back("parent::* and not(preceding-sibling::*) and not(following-sibling::*)");
    } else if (name == "first-of-type") {
        c.conditions.push_back(fmt::format("not(preceding-sibling::{})", of_type_test(c, name, at)));
    } else if (name == "last-of-type") {
        c.conditions.push_back(fmt::format("not(following-sibling::{})", of_type_test(c, name, at)));
    } else if (name == "only-of-type") {
        const std::string test = of_type_test(c, name, at);
        c.conditions.push_back(
            fmt::format("parent::* and not(preceding-sibling::{0}) and not(following-sibling::{0})", test));
    } else if (name == "empty") {
        c.conditions.emplace_back("not(*) and not(string-length())");
    } else if (name == "root") {
        c.conditions.emplace_back("not(parent::*)");
    } else if (name == "scope") {
        if (!context.top_level || !context.first) {
            fail("':scope' is only allowed at the start of a selector", at.position);
        }
        c.scope = true;
    } else if (name == "link") {
        c.conditions.emplace_back(html_ ? html_link : "0");
    } else if (name == "checked") {
        c.conditions.emplace_back(html_ ? html_checked : "0");
    } else if (name == "disabled") {
        c.conditions.push_back(html_ ? html_disabled : "0");
    } else if (name == "enabled") {
        c.conditions.push_back(html_ ? html_enabled : "0");
    } else if (is_never_matching(name)) {
        c.conditions.emplace_back("0");
    } else if (is_legacy_pseudo_element(name)) {
        fail(fmt::format("pseudo-element ::{} is not supported", name), at.position);
    } else {
        fail(fmt::format("unknown pseudo-class ':{}'", name), at.position);
    }
}

void Parser::pseudo_function(Compound& c, const std::string& name, const Token& at, const CompoundContext& context)
{
    if (context.depth >= max_depth) {
        fail("selector nested too deeply", at.position);
    }
    const int depth = context.depth + 1;
    if (name == "not") {
        if (context.in_negation) {
            fail("nested :not() is not supported", at.position);
        }
        skip_space();
        const Compound inner = compound({false, false, true, depth});
        skip_space();
        const Token& close = next();
        if (!close.is_delim(')')) {
            fail_got("')'", close);
        }
        c.conditions.push_back("not(" + inner.self_test() + ")");
    } else if (name == "is" || name == "where" || name == "matches" || name == "any") {
        // As cssselect: a list of compound selectors.
        std::vector<std::string> tests;
        bool always = false;
        while (true) {
            skip_space();
            const Compound inner = compound({false, false, context.in_negation, depth});
            const std::string test = inner.self_test();
            always = always || test == "true()";
            tests.push_back(test);
            skip_space();
            const Token& t = next();
            if (t.is_delim(')')) {
                break;
            }
            if (!t.is_delim(',')) {
                fail_got("',' or ')'", t);
            }
        }
        if (!always) {
            std::string condition;
            for (const auto& test : tests) {
                condition += condition.empty() ? "(" + test + ")" : " or (" + test + ")";
            }
            c.conditions.push_back(std::move(condition));
        }
    } else if (name == "has") {
        std::string condition;
        while (true) {
            const std::string path = relative_selector(depth);
            condition += condition.empty() ? path : " or " + path;
            skip_space();
            const Token& t = next();
            if (t.is_delim(')')) {
                break;
            }
            if (!t.is_delim(',')) {
                fail_got("',' or ')'", t);
            }
        }
        c.conditions.push_back(std::move(condition));
    } else if (name == "nth-child" || name == "nth-last-child" || name == "nth-of-type" ||
               name == "nth-last-of-type") {
        nth_condition(c, name, at);
    } else if (name == "contains" || name == "lang") {
        const auto arguments = function_arguments();
        if (arguments.size() != 1 ||
            (arguments[0].type != TokenType::ident && arguments[0].type != TokenType::string)) {
            fail(fmt::format(":{}() takes one string or identifier", name), at.position);
        }
        const std::string& value = arguments[0].value;
        if (name == "contains") {
            c.conditions.push_back("contains(., " + xpath_literal(value) + ")");
        } else if (html_) {
            // The nearest lang attribute, compared case-insensitively as a
            // prefix ending at '-' (XPath 1.0 has no lower-case()).
            c.conditions.push_back(fmt::format(
                "ancestor-or-self::*[@lang][1][starts-with(concat(translate(@lang, "
                "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '-'), {})]",
                xpath_literal(lower(value) + "-")));
        } else {
            c.conditions.push_back("lang(" + xpath_literal(value) + ")"); // xml:lang
        }
    } else {
        fail(fmt::format("unknown pseudo-class ':{}()'", name), at.position);
    }
}

std::vector<Token> Parser::function_arguments()
{
    std::vector<Token> arguments;
    while (true) {
        skip_space();
        const Token& t = next();
        if (t.is_delim(')')) {
            return arguments;
        }
        if (t.type == TokenType::ident || t.type == TokenType::string || t.type == TokenType::number ||
            t.is_delim('+') || t.is_delim('-')) {
            arguments.push_back(t);
        } else {
            fail_got("an argument or ')'", t);
        }
    }
}

std::pair<long long, long long> Parser::nth_series(const std::vector<Token>& arguments, const Token& at) const
{
    std::string text;
    bool valid = !arguments.empty();
    for (const auto& t : arguments) {
        valid = valid && t.type != TokenType::string;
        text += t.value;
    }
    const auto series = valid ? series_of(lower(text)) : std::nullopt;
    if (!series) {
        fail(fmt::format("invalid an+b argument '{}'", text), at.position);
    }
    return *series;
}

std::pair<long long, long long> Parser::nth_series_to_end()
{
    std::vector<Token> arguments;
    for (const auto& t : tokens_) {
        if (t.type == TokenType::end) {
            break;
        }
        if (t.type == TokenType::space) {
            continue;
        }
        if (t.type != TokenType::ident && t.type != TokenType::number && !t.is_delim('+') && !t.is_delim('-')) {
            fail_got("an an+b argument", t);
        }
        arguments.push_back(t);
    }
    return nth_series(arguments, tokens_.front());
}

std::string Parser::of_type_test(const Compound& c, const std::string& name, const Token& at) const
{
    if (c.sibling_test.empty()) {
        fail(fmt::format(":{} needs an element type (*:{} is not implemented)", name, name), at.position);
    }
    return c.sibling_test;
}

void Parser::nth_condition(Compound& c, const std::string& name, const Token& at)
{
    const auto arguments = function_arguments();
    const auto [a, b] = nth_series(arguments, at);
    const bool from_end = name.find("last") != std::string::npos;
    const bool of_type = name.ends_with("of-type");
    const std::string siblings = of_type ? of_type_test(c, name, at) : "*";
    const std::string count =
        fmt::format("count({}-sibling::{})", from_end ? "following" : "preceding", siblings);
    std::string condition = nth_expression(count, a, b);
    if (!condition.empty()) {
        c.conditions.push_back(std::move(condition));
    }
}

} // namespace trawl::detail::css
