// `trawl shell URL|FILE`: try selectors on a page before writing a spider,
// as `scrapy shell`. The page is downloaded through the same crawl as
// `trawl fetch` (the project's settings and middlewares), or read from a
// local file through the file:// handler, so its encoding is found the way
// a spider's would be. Then each line is a selector expression
// (shell_expression.hpp) printed as a JSON array on standard output, or a
// command (help, view, fetch, response, quit).
//
// Standard output carries only what was asked for (JSON, paths, help), so a
// script can read it; errors and progress go to standard error. At a
// terminal the prompt has line editing and a history (libedit, kept in
// ~/.trawl_shell_history); otherwise lines are read plainly. Non-interactive
// runs (-c, or lines piped in) exit 1 when any line failed, after running
// them all.

#include "cli/shell_command.hpp"

#include "cli/command_context.hpp"
#include "cli/fetch_page.hpp"
#include "cli/shell_expression.hpp"
#include "cli/shell_page.hpp"

#include <trawl/log.hpp>
#include <trawl/selector.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <editline/readline.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace trawl::cli {

namespace {

struct ShellOptions {
    CommonOptions common;
    std::string target;
    std::vector<std::string> commands;  ///< -c EXPR
    bool no_redirect = false;
};

constexpr std::string_view help_text = R"(Expressions (each step applies to the previous step's result):
  css:QUERY          CSS selector, with ::text and ::attr(name)
  xpath:QUERY        XPath 1.0
  re:PATTERN         regular expression on the matches (as parsel's re())
  e.g. css:div.quote span.text::text re:\w+
Commands:
  fetch URL|FILE     load another page
  view [--open] [FILE]   write the page as the spider saw it to FILE (default:
                     a temporary file) and print its path; --open also opens it
                     in $BROWSER or xdg-open
  response           the page's URL, status, encoding and headers as JSON
  help               this text
  quit               leave (also exit, or end of input)
)";

enum class LineResult { ok, failed, quit };

class Shell {
public:
    Shell(Settings settings, bool no_redirect, bool interactive)
        : settings_(std::move(settings)), no_redirect_(no_redirect), interactive_(interactive)
    {
    }

    /// Loads `target` (a URL or a path) in place of the current page. On
    /// failure the current page stays and `why` says what went wrong.
    bool load(const std::string& target, std::string& why)
    {
        std::string url;
        try {
            url = page_url(target);
        } catch (const std::invalid_argument& e) {
            why = e.what();
            return false;
        }
        auto page = fetch_page(url, settings_, no_redirect_);
        if (!page.response) {
            why = std::move(page.failure);
            return false;
        }
        response_ = std::move(page.response);
        if (interactive_) {
            fmt::print(stderr, "[trawl] {} {} ({}, {} bytes)\n", response_->status(), response_->url(),
                       response_->encoding(), response_->body().size());
        }
        return true;
    }

    LineResult run(std::string_view line)
    {
        try {
            auto parsed = parse_shell_line(line);
            if (auto* expression = std::get_if<ShellExpression>(&parsed)) {
                return evaluate(line, *expression);
            }
            if (auto* command = std::get_if<ShellCommand>(&parsed)) {
                return run_shell_command(*command);
            }
            return LineResult::ok;
        } catch (const ShellError& e) {
            report(line, e.what(), e.position());
            return LineResult::failed;
        }
    }

private:
    LineResult evaluate(std::string_view line, const ShellExpression& expression)
    {
        if (!response_) {
            report(line, "no page loaded: fetch URL first", ShellError::no_position);
            return LineResult::failed;
        }
        std::vector<std::string> matches;
        try {
            matches = evaluate_shell_expression(expression, response_->selector());
        } catch (const std::length_error& e) {
            report(line, e.what(), ShellError::no_position);
            return LineResult::failed;
        }
        fmt::print("{}\n", shell_json(matches));
        std::fflush(stdout);
        return LineResult::ok;
    }

    LineResult run_shell_command(const ShellCommand& command)
    {
        const auto& name = command.name;
        const auto& args = command.arguments;
        if (name == "quit" || name == "exit") {
            return LineResult::quit;
        }
        if (name == "help" || name == "?") {
            fmt::print("{}", help_text);
        } else if (name == "fetch") {
            if (args.size() != 1) {
                return fail("usage: fetch URL|FILE");
            }
            std::string why;
            if (!load(args.front(), why)) {
                return fail(why);
            }
        } else if (name == "view") {
            return view(args);
        } else if (name == "response") {
            if (!response_) {
                return fail("no page loaded: fetch URL first");
            }
            fmt::print("{}\n", response_summary(*response_));
        } else {
            return fail(fmt::format("unknown command '{}': an expression starts with css:, xpath: or re:; "
                                    "try help",
                                    name));
        }
        std::fflush(stdout);
        return LineResult::ok;
    }

    LineResult view(const std::vector<std::string>& args)
    {
        bool open = false;
        std::string file;
        for (const auto& arg : args) {
            if (arg == "--open") {
                open = true;
            } else if (file.empty() && !arg.starts_with("-")) {
                file = arg;
            } else {
                return fail("usage: view [--open] [FILE]");
            }
        }
        if (!response_) {
            return fail("no page loaded: fetch URL first");
        }
        std::string why;
        const auto path = write_view(*response_, file, why);
        if (!path) {
            return fail(why);
        }
        fmt::print("{}\n", path->string());
        std::fflush(stdout);
        if (open && !open_in_browser(*path, why)) {
            return fail(why);
        }
        return LineResult::ok;
    }

    LineResult fail(std::string_view message)
    {
        report({}, message, ShellError::no_position);
        return LineResult::failed;
    }

    /// The error, and at a terminal the line again with a caret under the
    /// place it points at.
    void report(std::string_view line, std::string_view message, std::size_t position) const
    {
        std::fflush(stdout);
        fmt::print(stderr, "error: {}\n", message);
        if (interactive_ && position != ShellError::no_position && position <= line.size()) {
            fmt::print(stderr, "  {}\n  {}^\n", line, std::string(position, ' '));
        }
    }

    Settings settings_;
    bool no_redirect_;
    bool interactive_;
    std::optional<Response> response_;
};

std::filesystem::path history_file()
{
    const char* home = std::getenv("HOME");
    return home != nullptr && *home != '\0' ? std::filesystem::path(home) / ".trawl_shell_history"
                                            : std::filesystem::path();
}

/// The prompt with line editing and history, for a person at a terminal.
void interactive_loop(Shell& shell)
{
    fmt::print(stderr, "Type css:QUERY, xpath:QUERY or re:PATTERN (steps chain), or help; quit or Ctrl-D leaves.\n");
    const auto history = history_file();
    using_history();
    stifle_history(1000);
    if (!history.empty()) {
        read_history(history.c_str());  // none yet is fine
    }
    while (true) {
        std::unique_ptr<char, decltype(&std::free)> line{readline("trawl> "), &std::free};
        if (!line) {
            std::fputc('\n', stderr);
            break;
        }
        const std::string_view text = line.get();
        if (text.find_first_not_of(" \t") != std::string_view::npos) {
            add_history(line.get());
            // Saved at once: Ctrl-C ends the shell without a chance to.
            if (!history.empty()) {
                write_history(history.c_str());
            }
        }
        if (shell.run(text) == LineResult::quit) {
            break;
        }
    }
}

int run_shell(ShellOptions& options)
{
    auto settings = load_settings(options.common);
    // A shell is a conversation: the crawl's own log (the DEBUG default)
    // would bury the answers. -L or the project's LOG_LEVEL still win.
    settings.set("LOG_LEVEL", boost::json::string("WARNING"), SettingPriority::command, "trawl shell");
    settings.set("LOGSTATS_INTERVAL", 0.0, SettingPriority::command, "trawl shell");
    configure_logging(settings);

    const bool interactive = options.commands.empty() && ::isatty(STDIN_FILENO) != 0;
    Shell shell{std::move(settings), options.no_redirect, interactive};
    if (!options.target.empty()) {
        std::string why;
        if (!shell.load(options.target, why)) {
            print_error("shell", why);
            return exit_failure;
        }
    }

    if (interactive) {
        interactive_loop(shell);
        return exit_ok;
    }
    bool failed = false;
    const auto run = [&](std::string_view line) {
        const auto result = shell.run(line);
        failed = failed || result == LineResult::failed;
        return result != LineResult::quit;
    };
    if (!options.commands.empty()) {
        for (const auto& command : options.commands) {
            if (!run(command)) {
                break;
            }
        }
    } else {
        for (std::string line; std::getline(std::cin, line);) {
            if (!run(line)) {
                break;
            }
        }
    }
    return failed ? exit_failure : exit_ok;
}

} // namespace

void add_shell_command(CLI::App& app)
{
    auto options = std::make_shared<ShellOptions>();
    auto* command = app.add_subcommand(
        "shell", "Try selectors on a page: css:, xpath: and re: expressions printed as JSON arrays");
    command->add_option("target", options->target,
                        "the URL (http, https, file, data) or local HTML file to load; without it, use fetch "
                        "at the prompt");
    one_value_each(command->add_option("-c,--command", options->commands,
                                       "evaluate EXPR (or run a shell command), print the result and exit; may "
                                       "repeat; exit status 1 if any failed"))
        ->type_name("EXPR");
    command->add_flag("--no-redirect", options->no_redirect, "do not follow redirects: load a 3xx response as it is");
    add_common_options(*command, options->common);
    command->callback([options] {
        throw CLI::RuntimeError(run_command("shell", [&] { return run_shell(*options); }));
    });
}

} // namespace trawl::cli
