#include "cli/project_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

namespace trawl::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view project_prefix = "project/";
constexpr std::string_view spider_prefix = "spiders/";
constexpr std::string_view template_suffix = ".in";

// C++20's keywords and alternative tokens: a project name becomes a CMake
// target and a C++ string, a spider name a class name's stem, and either
// would surprise as a keyword.
constexpr std::string_view cpp_keywords[]{
    "alignas",   "alignof",      "and",         "and_eq",       "asm",       "auto",         "bitand",
    "bitor",     "bool",         "break",       "case",         "catch",     "char",         "char8_t",
    "char16_t",  "char32_t",     "class",       "compl",        "concept",   "const",        "consteval",
    "constexpr", "constinit",    "const_cast",  "continue",     "co_await",  "co_return",    "co_yield",
    "decltype",  "default",      "delete",      "do",           "double",    "dynamic_cast", "else",
    "enum",      "explicit",     "export",      "extern",       "false",     "float",        "for",
    "friend",    "goto",         "if",          "inline",       "int",       "long",         "mutable",
    "namespace", "new",          "noexcept",    "not",          "not_eq",    "nullptr",      "operator",
    "or",        "or_eq",        "private",     "protected",    "public",    "register",     "reinterpret_cast",
    "requires",  "return",       "short",       "signed",       "sizeof",    "static",       "static_assert",
    "static_cast", "struct",     "switch",      "template",     "this",      "thread_local", "throw",
    "true",      "try",          "typedef",     "typeid",       "typename",  "union",        "unsigned",
    "using",     "virtual",      "void",        "volatile",     "wchar_t",   "while",        "xor",
    "xor_eq",    "import",       "module",      "final",        "override",  "main"};

// Target names CMake reserves (a project's executable is a target) and
// trawl's own (a project may build trawl with add_subdirectory).
constexpr std::string_view reserved_targets[]{"all", "clean", "help", "install", "package", "test",
                                                            "trawl"};

bool is_identifier_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Characters a host (or host:port, [v6]:port) may hold.
bool is_host_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' || c == ':' ||
           c == '[' || c == ']';
}

// What may go into a C++ string literal and a comment unescaped: printable
// ASCII without quotes, backslashes and spaces (a URL has none of them).
bool is_safe_url_char(char c)
{
    return c > ' ' && c < 0x7f && c != '"' && c != '\\';
}

std::string lower(std::string_view text)
{
    std::string out{text};
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw GeneratorError(fmt::format("cannot write '{}'", path.string()));
    }
}

/// BOT_NAME from a project's settings.yaml, read line by line: the
/// generated file has it on a line of its own.
std::string project_bot_name(const fs::path& settings)
{
    std::ifstream in(settings);
    for (std::string line; std::getline(in, line);) {
        constexpr std::string_view key = "BOT_NAME:";
        if (line.rfind(key, 0) != 0) {
            continue;
        }
        auto value = line.substr(key.size());
        const auto first = value.find_first_not_of(" \t\"'");
        const auto last = value.find_last_not_of(" \t\r\"'");
        if (first == std::string::npos) {
            return {};
        }
        value = value.substr(first, last - first + 1);
        return invalid_name_reason(value) ? std::string{} : value;
    }
    return {};
}

} // namespace

std::optional<std::string> invalid_name_reason(std::string_view name)
{
    if (name.empty()) {
        return "a name cannot be empty";
    }
    if (std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
        return fmt::format("'{}' starts with a digit; a name must be a C++ identifier", name);
    }
    if (!std::all_of(name.begin(), name.end(), is_identifier_char)) {
        return fmt::format("'{}' is not a C++ identifier: use ASCII letters, digits and _ only", name);
    }
    if (std::find(std::begin(cpp_keywords), std::end(cpp_keywords), name) != std::end(cpp_keywords)) {
        return fmt::format("'{}' is a C++ keyword (or main); choose another name", name);
    }
    if (std::find(std::begin(reserved_targets), std::end(reserved_targets), lower(name)) != std::end(reserved_targets) ||
        lower(name).rfind("trawl_", 0) == 0) {
        return fmt::format("'{}' is reserved (a CMake target name or one of trawl's); choose another name", name);
    }
    return std::nullopt;
}

std::string render(std::string_view text, const std::map<std::string, std::string, std::less<>>& variables)
{
    std::string out;
    out.reserve(text.size());
    std::size_t at = 0;
    while (at < text.size()) {
        const auto open = text.find("{{", at);
        if (open == std::string_view::npos) {
            break;
        }
        const auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            break;
        }
        const auto key = text.substr(open + 2, close - open - 2);
        const auto value = variables.find(key);
        if (value == variables.end()) {
            // Not a placeholder (C++ braces): keep the first brace, look again after it.
            out.append(text.substr(at, open + 1 - at));
            at = open + 1;
            continue;
        }
        out.append(text.substr(at, open - at));
        out.append(value->second);
        at = close + 2;
    }
    out.append(text.substr(at));
    return out;
}

std::string spider_class_name(std::string_view spider_name)
{
    std::string out;
    bool upper = true;
    for (const char c : spider_name) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out + "Spider";
}

NewProject start_project(const std::string& name, fs::path dir)
{
    if (auto why = invalid_name_reason(name)) {
        throw GeneratorError(fmt::format("invalid project name: {}", *why));
    }
    if (dir.empty()) {
        dir = name;
    }
    dir = fs::absolute(dir).lexically_normal();
    std::error_code ec;
    if (fs::exists(dir, ec) || ec) {
        throw GeneratorError(fmt::format("'{}' already exists: choose another folder (nothing was written)",
                                         dir.string()));
    }

    // 1. Render everything in memory, so a template problem writes nothing.
    const std::map<std::string, std::string, std::less<>> variables{{"project_name", name}};
    std::vector<std::pair<fs::path, std::string>> files;
    for (const auto& t : embedded_templates()) {
        if (t.path.rfind(project_prefix, 0) != 0) {
            continue;
        }
        auto relative = t.path.substr(project_prefix.size());
        if (relative.ends_with(template_suffix)) {
            relative.remove_suffix(template_suffix.size());
        }
        files.emplace_back(fs::path{relative}, render(t.text, variables));
    }
    // 2. Write, and take the folder away again if that fails half-way.
    try {
        fs::create_directories(dir);
        for (const auto& [relative, text] : files) {
            fs::create_directories((dir / relative).parent_path());
            write_file(dir / relative, text);
        }
    } catch (const std::exception& e) {
        fs::remove_all(dir, ec);
        throw GeneratorError(fmt::format("cannot create the project in '{}': {}", dir.string(), e.what()));
    }
    NewProject result{dir, {}};
    for (const auto& file : files) {
        result.files.push_back(file.first);
    }
    std::sort(result.files.begin(), result.files.end());
    return result;
}

SpiderTarget parse_spider_target(std::string_view input)
{
    const std::string given{input};
    if (input.empty() || !std::all_of(input.begin(), input.end(), is_safe_url_char)) {
        throw GeneratorError(fmt::format("'{}' is not a domain or URL", given));
    }
    std::string scheme;
    std::string_view rest = input;
    if (const auto colon = input.find("://"); colon != std::string_view::npos) {
        scheme = lower(input.substr(0, colon));
        rest = input.substr(colon + 3);
        if (scheme != "http" && scheme != "https") {
            throw GeneratorError(fmt::format("'{}': only http and https URLs can start a spider", given));
        }
    } else {
        // Scrapy: urlparse("//" + url.lstrip("/")), then https.
        rest.remove_prefix(std::min(rest.find_first_not_of('/'), rest.size()));
    }
    const auto netloc_end = rest.find_first_of("/?#");
    auto netloc = rest.substr(0, netloc_end);
    const auto path = netloc_end == std::string_view::npos ? std::string_view{} : rest.substr(netloc_end);
    if (const auto at = netloc.rfind('@'); at != std::string_view::npos) {
        netloc.remove_prefix(at + 1);  // user:password@ is no part of the domain
    }
    // The host without the port; the offsite middleware ignores entries with one.
    std::string_view host = netloc;
    if (!host.empty() && host.front() == '[') {
        host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        const auto port = host.substr(colon + 1);
        if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            throw GeneratorError(fmt::format("'{}': '{}' is not a port", given, port));
        }
        host = host.substr(0, colon);
    }
    if (host.empty() || !std::all_of(netloc.begin(), netloc.end(), is_host_char)) {
        throw GeneratorError(fmt::format("'{}' is not a domain or URL: no valid host in it", given));
    }
    SpiderTarget target;
    target.allowed_domain = lower(host);
    const auto with_scheme = scheme.empty() ? std::string{"https"} : scheme;
    target.base_url = fmt::format("{}://{}", with_scheme, netloc);
    target.start_url = scheme.empty() ? fmt::format("{}{}", target.base_url, path.empty() ? "/" : path)
                                      : (path.empty() ? target.base_url + "/" : given);
    return target;
}

std::vector<std::string> spider_template_names()
{
    std::vector<std::string> names;
    for (const auto& t : embedded_templates()) {
        if (t.path.rfind(spider_prefix, 0) == 0 && t.path.ends_with(".cpp.in")) {
            auto name = t.path.substr(spider_prefix.size());
            name.remove_suffix(std::string_view{".cpp.in"}.size());
            names.emplace_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string_view spider_template(std::string_view name)
{
    const auto path = fmt::format("{}{}.cpp.in", spider_prefix, name);
    for (const auto& t : embedded_templates()) {
        if (t.path == path) {
            return t.text;
        }
    }
    const auto names = spider_template_names();
    throw GeneratorError(fmt::format("unknown template '{}'; the templates are: {}", name, fmt::join(names, ", ")));
}

bool is_project_dir(const fs::path& dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "settings.yaml", ec) && fs::is_directory(dir / "spiders", ec);
}

NewSpider generate_spider(const std::string& name, std::string_view domain_or_url, std::string_view template_name,
                          const fs::path& cwd, bool force)
{
    if (auto why = invalid_name_reason(name)) {
        throw GeneratorError(fmt::format("invalid spider name: {}", *why));
    }
    const auto text = spider_template(template_name);
    const auto target = parse_spider_target(domain_or_url);

    NewSpider result;
    result.in_project = is_project_dir(cwd);
    if (result.in_project) {
        result.project_name = project_bot_name(cwd / "settings.yaml");
    }
    result.file = fs::absolute(result.in_project ? cwd / "spiders" / (name + ".cpp") : cwd / (name + ".cpp"));
    std::error_code ec;
    if (!force && (fs::exists(result.file, ec) || ec)) {
        throw GeneratorError(fmt::format("'{}' already exists (use --force to replace it)", result.file.string()));
    }
    const auto run_hint = result.project_name.empty()
                              ? fmt::format("run it with: PROGRAM crawl {}", name)
                              : fmt::format("run it with: ./build/{} crawl {}", result.project_name, name);
    const std::map<std::string, std::string, std::less<>> variables{
        {"spider_name", name},
        {"SpiderClass", spider_class_name(name)},
        {"allowed_domain", target.allowed_domain},
        {"base_url", target.base_url},
        {"start_url", target.start_url},
        {"run_hint", run_hint},
        {"project_name", result.project_name},
    };
    write_file(result.file, render(text, variables));
    return result;
}

} // namespace trawl::cli
