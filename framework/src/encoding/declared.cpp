// The encoding a document declares about itself: a scan of its first
// 4096 bytes for <meta charset>, <meta content="...charset=..."> or an XML
// declaration, as w3lib's html_body_declared_encoding does. The HTML
// standard's prescan reads 1024 bytes; w3lib reads 4096 because real pages
// put long scripts and comments before their <meta>.
//
// Like w3lib (and unlike the HTML standard) the http-equiv attribute is not
// required next to content="...charset=...". Like the HTML standard (and
// unlike w3lib's regular expression), the tag's attributes are parsed, so
// a charset inside another attribute's value does not count, and a label
// that names no known encoding does not end the search.

#include <trawl/encoding.hpp>

#include "encoding/encoding_table.hpp"

#include <algorithm>
#include <string>

namespace trawl {
namespace {

constexpr std::size_t scan_limit = 4096;

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals_ascii(std::string_view a, std::string_view lower_b) noexcept
{
    if (a.size() != lower_b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower_b[i]) {
            return false;
        }
    }
    return true;
}

/// Position of `lower_needle` in `s` at or after `from`, ignoring ASCII case.
std::size_t ifind(std::string_view s, std::string_view lower_needle, std::size_t from) noexcept
{
    for (std::size_t i = from; i + lower_needle.size() <= s.size(); ++i) {
        if (iequals_ascii(s.substr(i, lower_needle.size()), lower_needle)) {
            return i;
        }
    }
    return std::string_view::npos;
}

/// The encoding a found label stands for; a declared UTF-16/32 means UTF-8,
/// since the declaration itself was read as ASCII.
std::optional<std::string> declared(std::string_view label)
{
    const detail::EncodingInfo* info = detail::find_encoding(label);
    if (info == nullptr) {
        return std::nullopt;
    }
    if (info->name.starts_with("UTF-16") || info->name.starts_with("UTF-32")) {
        return std::string("UTF-8");
    }
    return std::string(info->name);
}

/// The HTML standard's "extract a character encoding from a meta element":
/// the value after "charset", '=' and optional quotes in a content value.
std::string_view charset_in_content(std::string_view content)
{
    std::size_t pos = 0;
    while ((pos = ifind(content, "charset", pos)) != std::string_view::npos) {
        pos += 7;
        std::size_t p = pos;
        while (p < content.size() && is_space(content[p])) {
            ++p;
        }
        if (p == content.size() || content[p] != '=') {
            continue;
        }
        ++p;
        while (p < content.size() && is_space(content[p])) {
            ++p;
        }
        if (p == content.size()) {
            return {};
        }
        if (content[p] == '"' || content[p] == '\'') {
            const std::size_t end = content.find(content[p], p + 1);
            return end == std::string_view::npos ? std::string_view{} : content.substr(p + 1, end - p - 1);
        }
        std::size_t end = p;
        while (end < content.size() && !is_space(content[end]) && content[end] != ';') {
            ++end;
        }
        return content.substr(p, end - p);
    }
    return {};
}

class Scanner {
public:
    explicit Scanner(std::string_view chunk) : s_(chunk) {}

    std::optional<std::string> run()
    {
        while ((pos_ = s_.find('<', pos_)) != std::string_view::npos) {
            if (s_.substr(pos_, 4) == "<!--") {
                const std::size_t end = s_.find("-->", pos_ + 4);
                if (end == std::string_view::npos) {
                    return std::nullopt;
                }
                pos_ = end + 3;
                continue;
            }
            ++pos_;
            while (pos_ < s_.size() && is_space(s_[pos_])) {
                ++pos_; // w3lib allows "< meta"
            }
            if (s_.substr(pos_, 1) == "?") {
                if (auto found = xml_declaration()) {
                    return found;
                }
                continue;
            }
            const std::size_t name_start = pos_;
            while (pos_ < s_.size() && ((s_[pos_] >= 'a' && s_[pos_] <= 'z') || (s_[pos_] >= 'A' && s_[pos_] <= 'Z'))) {
                ++pos_;
            }
            const std::string_view name = s_.substr(name_start, pos_ - name_start);
            const bool name_ends = pos_ == s_.size() || is_space(s_[pos_]) || s_[pos_] == '>' || s_[pos_] == '/';
            if (!name_ends) {
                continue;
            }
            if (iequals_ascii(name, "body")) {
                return std::nullopt; // declarations in the body are not honoured
            }
            if (iequals_ascii(name, "meta")) {
                if (auto found = meta()) {
                    return found;
                }
            }
        }
        return std::nullopt;
    }

private:
    /// <?xml version="1.0" encoding="X"?>; pos_ is at the '?'.
    std::optional<std::string> xml_declaration()
    {
        ++pos_;
        if (!iequals_ascii(s_.substr(pos_, 3), "xml") || pos_ + 3 >= s_.size() || !is_space(s_[pos_ + 3])) {
            return std::nullopt;
        }
        const std::size_t end = std::min(s_.find('>', pos_), s_.size());
        const std::string_view declaration = s_.substr(pos_, end - pos_);
        pos_ = end;
        std::size_t p = ifind(declaration, "encoding", 0);
        if (p == std::string_view::npos) {
            return std::nullopt;
        }
        p += 8;
        while (p < declaration.size() && is_space(declaration[p])) {
            ++p;
        }
        if (p == declaration.size() || declaration[p] != '=') {
            return std::nullopt;
        }
        ++p;
        while (p < declaration.size() && (is_space(declaration[p]) || declaration[p] == '"' || declaration[p] == '\'')) {
            ++p;
        }
        std::size_t label_end = p;
        while (label_end < declaration.size() && !is_space(declaration[label_end]) &&
               declaration[label_end] != '"' && declaration[label_end] != '\'' && declaration[label_end] != '?') {
            ++label_end;
        }
        return declared(declaration.substr(p, label_end - p));
    }

    /// The attributes of a <meta> tag; pos_ is just after "meta". Only the
    /// first occurrence of an attribute counts.
    std::optional<std::string> meta()
    {
        std::optional<std::string_view> charset;
        std::optional<std::string_view> content;
        for (;;) {
            while (pos_ < s_.size() && (is_space(s_[pos_]) || s_[pos_] == '/')) {
                ++pos_;
            }
            if (pos_ >= s_.size() || s_[pos_] == '>') {
                break;
            }
            const std::size_t name_start = pos_;
            ++pos_; // a name's first character may be anything, even '='
            while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '=' && s_[pos_] != '>' && s_[pos_] != '/') {
                ++pos_;
            }
            const std::string_view name = s_.substr(name_start, pos_ - name_start);
            while (pos_ < s_.size() && is_space(s_[pos_])) {
                ++pos_;
            }
            std::string_view value;
            if (pos_ < s_.size() && s_[pos_] == '=') {
                ++pos_;
                while (pos_ < s_.size() && is_space(s_[pos_])) {
                    ++pos_;
                }
                if (pos_ < s_.size() && (s_[pos_] == '"' || s_[pos_] == '\'')) {
                    const std::size_t end = s_.find(s_[pos_], pos_ + 1);
                    if (end == std::string_view::npos) {
                        pos_ = s_.size(); // cut off by the end of the scanned bytes
                        break;
                    }
                    value = s_.substr(pos_ + 1, end - pos_ - 1);
                    pos_ = end + 1;
                } else {
                    const std::size_t start = pos_;
                    while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '>') {
                        ++pos_;
                    }
                    value = s_.substr(start, pos_ - start);
                }
            }
            if (!charset && iequals_ascii(name, "charset")) {
                charset = value;
            } else if (!content && iequals_ascii(name, "content")) {
                content = value;
            }
        }
        if (charset && !charset->empty()) {
            if (auto found = declared(*charset)) {
                return found;
            }
        }
        if (content) {
            const std::string_view label = charset_in_content(*content);
            if (!label.empty()) {
                return declared(label);
            }
        }
        return std::nullopt;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

} // namespace

std::optional<std::string> html_body_declared_encoding(std::string_view body)
{
    return Scanner(body.substr(0, scan_limit)).run();
}

} // namespace trawl
