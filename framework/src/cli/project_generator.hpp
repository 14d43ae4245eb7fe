#pragma once
// `trawl startproject` and `trawl genspider`: new projects and spiders from
// the templates in templates/ (embedded in the program at build time, so an
// installed trawl needs no data files).
//
// Templates are plain text with {{key}} placeholders: a placeholder is
// replaced only when `key` is one of the variables given, so C++ braces
// ({{"a", "b"}}) pass through. Keys:
//   project:  project_name
//   spider:   spider_name, SpiderClass, allowed_domain, base_url, start_url,
//             run_hint
//
// Refusals (a bad name, an existing folder or file, an unknown template, a
// domain that is not one) throw GeneratorError before anything is written.

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace trawl::cli {

/// One file of templates/, by its path there ("project/main.cpp.in").
struct EmbeddedTemplate {
    std::string_view path;
    std::string_view text;
};

/// Every template, sorted by path (defined in the generated source).
const std::vector<EmbeddedTemplate>& embedded_templates();

/// A refusal: the message says what and why; the commands print it and
/// exit with status 2.
class GeneratorError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Why `name` cannot name a project or a spider (nullopt when it can): it
/// must be a C++ identifier (ASCII letters, digits and _, not starting with
/// a digit), not a C++ keyword, and not a name CMake or trawl reserve.
std::optional<std::string> invalid_name_reason(std::string_view name);

/// `text` with each {{key}} of `variables` replaced by its value.
std::string render(std::string_view text, const std::map<std::string, std::string, std::less<>>& variables);

/// "my_spider" -> "MySpiderSpider", as Scrapy names a spider's class.
std::string spider_class_name(std::string_view spider_name);

struct NewProject {
    std::filesystem::path dir;                  ///< absolute
    std::vector<std::filesystem::path> files;   ///< relative to dir, sorted
};

/// Writes a project named `name` into `dir` (default: ./NAME), creating the
/// folder and its parents. Refuses an invalid name and a `dir` that exists.
/// On a write failure the new folder is removed again.
NewProject start_project(const std::string& name, std::filesystem::path dir = {});

/// What a genspider DOMAIN argument means, Scrapy 2.8's way: a domain
/// ("example.com"), a host and port, or a URL ("http://127.0.0.1:8080/x").
struct SpiderTarget {
    std::string allowed_domain;  ///< the host, without port (the offsite middleware's form)
    std::string base_url;        ///< scheme://host[:port], without a slash at the end
    std::string start_url;       ///< the URL as given, or https://DOMAIN/
};
/// Throws GeneratorError for something that is not a host or an http(s) URL.
SpiderTarget parse_spider_target(std::string_view domain_or_url);

/// The spider templates' names, sorted ("basic", "crawl", ...).
std::vector<std::string> spider_template_names();
/// The text of spider template `name`; throws GeneratorError listing the
/// valid names for an unknown one.
std::string_view spider_template(std::string_view name);

/// Whether `dir` is a trawl project: a settings.yaml and a spiders/ folder.
bool is_project_dir(const std::filesystem::path& dir);

struct NewSpider {
    std::filesystem::path file;  ///< absolute
    bool in_project = false;     ///< written to a project's spiders/
    std::string project_name;    ///< the project's BOT_NAME, when found
};

/// Writes spider `name` from template `template_name` into `cwd`'s
/// spiders/ (inside a project) or into `cwd` itself (outside one), as
/// NAME.cpp. Refuses an invalid name, an unknown template, a bad domain and
/// an existing file (unless `force`).
NewSpider generate_spider(const std::string& name, std::string_view domain_or_url,
                          std::string_view template_name, const std::filesystem::path& cwd, bool force = false);

/// The commands, for the `trawl` executable only (a project's own
/// executable does not make projects).
void add_startproject_command(CLI::App& app);
void add_genspider_command(CLI::App& app);

} // namespace trawl::cli
