// Selector structure: groups, combinators, compound selectors, attribute
// selectors. The XPath pieces they produce are in css_xpath_parts.cpp.

#include "select/css_translator.hpp"

#include "select/css_parser.hpp"

#include <trawl/selector.hpp>

#include <fmt/format.h>

namespace trawl::detail::css {
namespace {

const char* axis_after(Combinator combinator)
{
    switch (combinator) {
    case Combinator::descendant:
        return "/descendant::";
    case Combinator::child:
        return "/";
    case Combinator::adjacent:
        return "/following-sibling::*[1]/self::";
    case Combinator::sibling:
        return "/following-sibling::";
    }
    return "/";
}

} // namespace

Parser::Parser(std::string_view query, bool html) : query_(query), html_(html)
{
    try {
        tokens_ = tokenize(query);
    } catch (const TokenizeError& e) {
        fail(e.reason, e.position);
    }
}

void Parser::fail(const std::string& why, std::size_t position) const
{
    throw SelectorError(fmt::format("invalid CSS selector '{}': {} at {}", query_, why, position), query_, position);
}

void Parser::fail_got(const std::string& expected, const Token& got) const
{
    fail(fmt::format("expected {}, got {}", expected, describe(got)), got.position);
}

void Parser::skip_space()
{
    while (peek().type == TokenType::space) {
        ++pos_;
    }
}

std::string Parser::selector_group()
{
    skip_space();
    std::string out;
    while (true) {
        if (!out.empty()) {
            out += " | ";
        }
        out += complex_selector(true, 0);
        if (peek().is_delim(',')) {
            next();
            skip_space();
            continue;
        }
        if (peek().type != TokenType::end) {
            fail_got("',' or the end of the selector", peek());
        }
        return out;
    }
}

bool Parser::combinator(Combinator& out)
{
    const bool had_space = peek().type == TokenType::space;
    skip_space();
    const Token& t = peek();
    if (t.is_delim('>') || t.is_delim('+') || t.is_delim('~')) {
        out = t.is_delim('>') ? Combinator::child : t.is_delim('+') ? Combinator::adjacent : Combinator::sibling;
        next();
        skip_space();
        return true;
    }
    if (t.is_delim(',') || t.is_delim(')') || t.type == TokenType::end) {
        return false;
    }
    if (!had_space) {
        fail_got("a combinator, ',' or the end of the selector", t);
    }
    out = Combinator::descendant;
    return true;
}

std::string Parser::complex_selector(bool top_level, int depth)
{
    CompoundContext context{top_level, true, false, depth};
    Compound last = compound(context);
    std::string prefix;
    std::string axis = last.scope ? "self::" : "descendant-or-self::";
    context.first = false;
    Combinator comb{};
    while (true) {
        if (last.pseudo_element != PseudoElement::none) {
            skip_space();
            if (!peek().is_delim(',') && peek().type != TokenType::end) {
                fail("a pseudo-element must end the selector", peek().position);
            }
            break;
        }
        if (!combinator(comb)) {
            break;
        }
        Compound next_compound = compound(context);
        prefix += axis + last.step();
        axis = axis_after(comb);
        last = std::move(next_compound);
    }
    return finish_path(prefix, axis, last);
}

std::string Parser::relative_selector(int depth)
{
    skip_space();
    // The leading combinator relates the subject (the :has() element) to
    // the first compound; none means descendant.
    std::string axis = "descendant::";
    const Token& t = peek();
    if (t.is_delim('>') || t.is_delim('+') || t.is_delim('~')) {
        axis = t.is_delim('>') ? "" : t.is_delim('+') ? "following-sibling::*[1]/self::" : "following-sibling::";
        next();
        skip_space();
    }
    const CompoundContext context{false, false, false, depth};
    Compound last = compound(context);
    std::string prefix;
    Combinator comb{};
    while (combinator(comb)) {
        Compound next_compound = compound(context);
        prefix += axis + last.step();
        axis = axis_after(comb);
        last = std::move(next_compound);
    }
    return prefix + axis + last.step();
}

std::string Parser::finish_path(const std::string& prefix, const std::string& axis, const Compound& last) const
{
    // parsel: "a ::text" (a bare descendant) means every text node below a,
    // "a::text" only a's own text children; likewise for ::attr().
    const bool bare_descendant = last.bare() && (axis == "/descendant::" || axis == "descendant-or-self::");
    switch (last.pseudo_element) {
    case PseudoElement::none:
        return prefix + axis + last.step();
    case PseudoElement::text:
        if (bare_descendant) {
            return prefix + axis + "text()";
        }
        return prefix + axis + last.step() + "/text()";
    case PseudoElement::attr:
        if (bare_descendant && axis == "/descendant::") {
            return prefix + "/descendant-or-self::*/" + last.attribute;
        }
        return prefix + axis + last.step() + "/" + last.attribute;
    }
    return {};
}

Compound Parser::compound(const CompoundContext& context)
{
    Compound c;
    bool any = false;
    if (peek().type == TokenType::ident || peek().is_delim('*')) {
        type_selector(c);
        any = true;
    }
    while (true) {
        const Token& t = peek();
        const bool simple = t.type == TokenType::hash || t.is_delim('.') || t.is_delim('[') || t.is_delim(':');
        if (!simple) {
            break;
        }
        if (c.pseudo_element != PseudoElement::none) {
            fail("a pseudo-element must end the selector", t.position);
        }
        if (t.type == TokenType::hash) {
            c.conditions.push_back("@id = " + xpath_literal(t.value));
            next();
        } else if (t.is_delim('.')) {
            next();
            const Token& name = next();
            if (name.type != TokenType::ident) {
                fail_got("a class name", name);
            }
            c.conditions.push_back(attribute_condition("@class", "~=", name.value));
        } else if (t.is_delim('[')) {
            attribute_selector(c);
        } else {
            pseudo(c, context);
        }
        any = true;
    }
    if (!any) {
        fail_got("a selector", peek());
    }
    return c;
}

void Parser::type_selector(Compound& c)
{
    const Token first = next();
    std::string ns;
    std::string name = first.value;
    if (peek().is_delim('|')) {
        next();
        const Token& t = next();
        if (t.type != TokenType::ident && !t.is_delim('*')) {
            fail_got("an element name or '*'", t);
        }
        ns = name;
        name = t.value;
    }
    if (name == "*") {
        if (!ns.empty() && ns != "*") {
            c.element = is_safe_name(ns) ? ns + ":*" : "*";
            c.sibling_test = c.element;
            c.any_element = false;
        }
        return;
    }
    if (html_) {
        name = lower(name);
    }
    c.any_element = false;
    if (ns == "*") {
        c.sibling_test = "*[local-name() = " + xpath_literal(name) + "]";
        c.conditions.push_back("local-name() = " + xpath_literal(name));
        return;
    }
    const std::string qualified = ns.empty() ? name : ns + ":" + name;
    if (is_safe_name(name) && (ns.empty() || is_safe_name(ns))) {
        c.element = qualified;
        c.sibling_test = qualified;
    } else {
        c.sibling_test = "*[name() = " + xpath_literal(qualified) + "]";
        c.conditions.push_back("name() = " + xpath_literal(qualified));
    }
}

std::string Parser::attribute_name_expression(std::string name, const std::string& ns) const
{
    if (html_) {
        name = lower(name);
    }
    if (ns == "*") {
        return "attribute::*[local-name() = " + xpath_literal(name) + "]";
    }
    const std::string qualified = ns.empty() ? name : ns + ":" + name;
    if (is_safe_name(name) && (ns.empty() || is_safe_name(ns))) {
        return "@" + qualified;
    }
    return "attribute::*[name() = " + xpath_literal(qualified) + "]";
}

void Parser::attribute_selector(Compound& c)
{
    next(); // '['
    skip_space();
    Token t = next();
    std::string ns;
    if (t.is_delim('*')) {
        const Token& bar = next();
        if (!bar.is_delim('|')) {
            fail_got("'|'", bar);
        }
        ns = "*";
        t = next();
    }
    if (t.type != TokenType::ident) {
        fail_got("an attribute name", t);
    }
    std::string name = t.value;
    // "ns|name", but not the "|=" operator.
    if (ns.empty() && peek().is_delim('|') && !tokens_[pos_ + 1].is_delim('=')) {
        next();
        const Token& local = next();
        if (local.type != TokenType::ident) {
            fail_got("an attribute name", local);
        }
        ns = std::move(name);
        name = local.value;
    }
    const std::string expression = attribute_name_expression(std::move(name), ns);
    skip_space();
    const Token& op = next();
    if (op.is_delim(']')) {
        c.conditions.push_back(expression);
        return;
    }
    std::string operator_text;
    if (op.is_delim('=')) {
        operator_text = "=";
    } else if (op.type == TokenType::delim && std::string_view("^$*~|!").find(op.value[0]) != std::string_view::npos &&
               peek().is_delim('=')) {
        operator_text = op.value + "=";
        next();
    } else {
        fail_got("an attribute operator or ']'", op);
    }
    skip_space();
    const Token& value = next();
    if (value.type != TokenType::ident && value.type != TokenType::string) {
        fail_got("a string or identifier", value);
    }
    skip_space();
    const Token& close = next();
    if (!close.is_delim(']')) {
        fail_got("']'", close);
    }
    c.conditions.push_back(attribute_condition(expression, operator_text, value.value));
}

std::string to_xpath(std::string_view selector, bool html) { return Parser(selector, html).selector_group(); }

std::optional<std::pair<long long, long long>> parse_nth(std::string_view argument)
{
    try {
        return Parser(argument, false).nth_series_to_end();
    } catch (const SelectorError&) {
        return std::nullopt;
    }
}

} // namespace trawl::detail::css
