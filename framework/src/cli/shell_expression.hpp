#pragma once
// What `trawl shell` understands on one line, apart from running it: a
// selector expression, a command, or nothing. Kept out of shell_command.cpp
// so that it can be tested without a terminal or a download.
//
// An expression is one or more steps, each `css:QUERY`, `xpath:QUERY` or
// `re:PATTERN`, applied left to right, each to the previous step's result:
//
//   css:div.quote span.text::text re:\w+
//   xpath://a/@href re:page/(\d+)
//   css:div.quote xpath:.//a/@href
//
// A new step starts at white space followed by `css:`, `xpath:` or `re:`,
// outside brackets, parentheses and (in CSS and XPath) quotes, so the EXSLT
// call in `xpath://a[@href and re:test(@href, 'x')]` stays in its step.

#include <trawl/selector.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace trawl::cli {

/// A line that cannot be run: an empty step ("css:"), an invalid query or
/// pattern (what() is the SelectorError's: the query, the position and the
/// reason), a step that cannot apply to the previous result (css: after
/// re:).
class ShellError : public std::invalid_argument {
public:
    ShellError(const std::string& message, std::size_t position)
        : std::invalid_argument(message), position_(position)
    {
    }
    static constexpr std::size_t no_position = static_cast<std::size_t>(-1);
    /// Byte offset in the line the problem is at, or no_position.
    std::size_t position() const noexcept { return position_; }

private:
    std::size_t position_;
};

struct ShellStep {
    enum class Kind { css, xpath, re };
    Kind kind = Kind::css;
    std::string argument;     ///< the query or pattern, without the prefix
    std::size_t offset = 0;   ///< where argument starts in the line
};

struct ShellExpression {
    std::vector<ShellStep> steps;
};

/// A command word and its arguments, split at white space ("fetch URL",
/// "view --open", "help").
struct ShellCommand {
    std::string name;
    std::vector<std::string> arguments;
};

/// A blank line or a comment (# ...).
struct ShellNothing {};

using ShellLine = std::variant<ShellNothing, ShellExpression, ShellCommand>;

/// Classifies and splits a line. Throws ShellError for an expression with
/// an empty step.
ShellLine parse_shell_line(std::string_view line);

/// Runs the steps from `root` (the page's root element) and returns the
/// matches as strings: elements as markup, text and attributes as their
/// value, as get(). `re:` gives parsel's re(): the group named "extract",
/// else the groups of every match, else the whole matches. Throws
/// ShellError for an invalid query or pattern, and for a css: or xpath:
/// step after a re: step (strings have no elements).
std::vector<std::string> evaluate_shell_expression(const ShellExpression& expression, const Selector& root);

/// The matches as one line of JSON: an array of strings.
std::string shell_json(const std::vector<std::string>& matches);

} // namespace trawl::cli
