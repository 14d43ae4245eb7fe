// The XPath building blocks of the CSS translation: literals, name tests,
// attribute operators and compound-selector steps.

#include "select/css_parser.hpp"
#include "select/css_translator.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace trawl::detail::css {
namespace {

std::string and_join(const std::vector<std::string>& conditions)
{
    if (conditions.size() == 1) {
        return conditions.front();
    }
    std::string out;
    for (const auto& c : conditions) {
        out += out.empty() ? "(" : " and (";
        out += c;
        out += ')';
    }
    return out;
}

bool is_css_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::size_t code_points(std::string_view s)
{
    std::size_t n = 0;
    for (char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }
    return n;
}

} // namespace

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool is_safe_name(std::string_view name)
{
    if (name.empty()) {
        return false;
    }
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(name.front())) {
        return false;
    }
    for (char c : name.substr(1)) {
        if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') {
            return false;
        }
    }
    return true;
}

std::string xpath_literal(std::string_view text)
{
    if (text.find('\'') == std::string_view::npos) {
        return fmt::format("'{}'", text);
    }
    if (text.find('"') == std::string_view::npos) {
        return fmt::format("\"{}\"", text);
    }
    // Both quotes: concat('it', "'", 's "x"')
    std::string out = "concat(";
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t quote = text.find('\'', start);
        const std::string_view part = text.substr(start, quote == std::string_view::npos ? text.npos : quote - start);
        if (!part.empty()) {
            out += fmt::format("'{}', ", part);
        }
        if (quote == std::string_view::npos) {
            break;
        }
        out += "\"'\", ";
        start = quote + 1;
    }
    out.resize(out.size() - 2);
    out += ')';
    return out;
}

std::string attribute_condition(const std::string& name, std::string_view op, const std::string& value)
{
    const std::string literal = xpath_literal(value);
    if (op == "=") {
        return fmt::format("{} = {}", name, literal);
    }
    if (op == "!=") {
        return fmt::format("not({0}) or {0} != {1}", name, literal);
    }
    if (op == "~=") {
        // A whitespace-separated word: never matches an empty value or one
        // containing whitespace.
        const bool word = !value.empty() && std::none_of(value.begin(), value.end(), is_css_whitespace);
        if (!word) {
            return "0";
        }
        return fmt::format("{0} and contains(concat(' ', normalize-space({0}), ' '), {1})", name,
                           xpath_literal(" " + value + " "));
    }
    if (op == "|=") {
        return fmt::format("{0} and ({0} = {1} or starts-with({0}, {2}))", name, literal, xpath_literal(value + "-"));
    }
    // ^= $= *= with an empty value match nothing (Selectors 3).
    if (value.empty()) {
        return "0";
    }
    if (op == "^=") {
        return fmt::format("{0} and starts-with({0}, {1})", name, literal);
    }
    if (op == "$=") {
        return fmt::format("{0} and substring({0}, string-length({0}) - {1}) = {2}", name,
                           code_points(value) - 1, literal);
    }
    return fmt::format("{0} and contains({0}, {1})", name, literal); // *=
}

std::string Compound::step() const
{
    if (conditions.empty()) {
        return element;
    }
    return element + "[" + and_join(conditions) + "]";
}

std::string Compound::self_test() const
{
    if (any_element) {
        return conditions.empty() ? "true()" : and_join(conditions);
    }
    return "self::" + step();
}

} // namespace trawl::detail::css
