#include "cli/shell_expression.hpp"

#include <trawl/regex.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <optional>
#include <utility>

namespace trawl::cli {

namespace {

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view kind_name(ShellStep::Kind kind) noexcept
{
    switch (kind) {
    case ShellStep::Kind::css: return "css:";
    case ShellStep::Kind::xpath: return "xpath:";
    case ShellStep::Kind::re: return "re:";
    }
    return "";
}

/// The step prefix at `at` in `line`, if one starts there.
std::optional<ShellStep::Kind> prefix_at(std::string_view line, std::size_t at) noexcept
{
    for (auto kind : {ShellStep::Kind::css, ShellStep::Kind::xpath, ShellStep::Kind::re}) {
        if (line.substr(at).starts_with(kind_name(kind))) {
            return kind;
        }
    }
    return std::nullopt;
}

/// Where the argument of a step of `kind` that starts at `begin` ends: at
/// the white space before the next step's prefix, or at the end of the line.
/// Brackets and quotes are tracked only so that a prefix inside them (the
/// EXSLT re:test(), a quoted " css:") is not taken for a new step; the query
/// languages' own parsers judge whether they balance.
std::size_t step_end(std::string_view line, std::size_t begin, ShellStep::Kind kind) noexcept
{
    const bool is_regex = kind == ShellStep::Kind::re;
    int depth = 0;
    char quote = 0;
    bool in_class = false;  // a regex character class: its brackets and parentheses are literal
    for (std::size_t i = begin; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && kind != ShellStep::Kind::xpath) {
            ++i;  // CSS and regular expressions escape with a backslash
            continue;
        }
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        if (is_regex && c == '[') {
            in_class = true;
        } else if (!is_regex && (c == '\'' || c == '"')) {
            quote = c;
        } else if (c == '(' || c == '[') {
            ++depth;
        } else if ((c == ')' || c == ']') && depth > 0) {
            --depth;
        } else if (depth == 0 && is_space(c)) {
            std::size_t next = i;
            while (next < line.size() && is_space(line[next])) {
                ++next;
            }
            if (next < line.size() && prefix_at(line, next)) {
                return i;
            }
        }
    }
    return line.size();
}

std::vector<std::string> split_words(std::string_view text)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) {
            ++i;
        }
        if (i > start) {
            words.emplace_back(text.substr(start, i - start));
        }
    }
    return words;
}

/// parsel's extract_regex on a string that is already text (no entities to
/// replace): the "extract" group of the first match, else every match's
/// groups flattened ("" for a group that took no part), else every whole
/// match.
void extract_regex(const Regex& regex, std::string_view text, std::vector<std::string>& out)
{
    const auto piece = [text](Regex::Groups groups, std::size_t group) {
        const auto begin = groups[2 * group];
        const auto end = groups[2 * group + 1];
        return begin == Regex::npos ? std::string{} : std::string(text.substr(begin, end - begin));
    };
    if (const auto extract = regex.group_number("extract"); extract != 0) {
        regex.for_each_match(text, [&](Regex::Groups groups) {
            if (groups[2 * extract] != Regex::npos) {
                out.push_back(piece(groups, extract));
            }
            return false;  // the first match only
        });
        return;
    }
    const auto captures = regex.capture_count();
    regex.for_each_match(text, [&](Regex::Groups groups) {
        if (captures == 0) {
            out.push_back(piece(groups, 0));
        }
        for (std::size_t group = 1; group <= captures; ++group) {
            out.push_back(piece(groups, group));
        }
        return true;
    });
}

std::size_t position_in_line(const ShellStep& step, std::size_t position) noexcept
{
    return position == SelectorError::no_position ? ShellError::no_position : step.offset + position;
}

} // namespace

ShellLine parse_shell_line(std::string_view line)
{
    std::size_t at = 0;
    while (at < line.size() && is_space(line[at])) {
        ++at;
    }
    if (at == line.size() || line[at] == '#') {
        return ShellNothing{};
    }
    if (!prefix_at(line, at)) {
        auto words = split_words(line);
        ShellCommand command{std::move(words.front()), {}};
        command.arguments.assign(std::make_move_iterator(words.begin() + 1), std::make_move_iterator(words.end()));
        return command;
    }

    ShellExpression expression;
    while (at < line.size()) {
        const auto kind = *prefix_at(line, at);
        std::size_t begin = at + kind_name(kind).size();
        std::size_t end = step_end(line, begin, kind);
        at = end;
        while (at < line.size() && is_space(line[at])) {
            ++at;
        }
        while (begin < end && is_space(line[begin])) {
            ++begin;
        }
        while (end > begin && is_space(line[end - 1])) {
            --end;
        }
        if (begin == end) {
            throw ShellError(fmt::format("empty '{}' step at {}: write {}QUERY", kind_name(kind), begin,
                                         kind_name(kind)),
                             begin);
        }
        ShellStep step;
        step.kind = kind;
        step.argument = std::string(line.substr(begin, end - begin));
        step.offset = begin;
        expression.steps.push_back(std::move(step));
    }
    return expression;
}

std::vector<std::string> evaluate_shell_expression(const ShellExpression& expression, const Selector& root)
{
    SelectorList nodes{root};
    std::vector<std::string> strings;
    bool have_strings = false;  // a re: step ran: its strings are the result
    for (const auto& step : expression.steps) {
        if (have_strings && step.kind != ShellStep::Kind::re) {
            throw ShellError(fmt::format("'{}' cannot follow 're:' at {}: a regular expression gives strings, "
                                         "not elements",
                                         kind_name(step.kind), step.offset - kind_name(step.kind).size()),
                             step.offset - kind_name(step.kind).size());
        }
        try {
            switch (step.kind) {
            case ShellStep::Kind::css: nodes = nodes.css(step.argument); break;
            case ShellStep::Kind::xpath: nodes = nodes.xpath(step.argument); break;
            case ShellStep::Kind::re:
                if (!have_strings) {
                    strings = nodes.re(step.argument);
                    have_strings = true;
                } else {
                    const Regex regex{step.argument};
                    std::vector<std::string> next;
                    for (const auto& text : strings) {
                        extract_regex(regex, text, next);
                    }
                    strings = std::move(next);
                }
                break;
            }
        } catch (const SelectorError& e) {
            throw ShellError(e.what(), position_in_line(step, e.position()));
        } catch (const RegexError& e) {
            throw ShellError(e.what(), position_in_line(step, e.position()));
        }
    }
    return have_strings ? strings : nodes.getall();
}

std::string shell_json(const std::vector<std::string>& matches)
{
    boost::json::array array;
    array.reserve(matches.size());
    for (const auto& match : matches) {
        array.emplace_back(match);
    }
    return boost::json::serialize(array);
}

} // namespace trawl::cli
