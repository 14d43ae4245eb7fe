// The charset parameter of an HTTP Content-Type value. Parameters are
// parsed as RFC 9110 writes them (token=token or token="quoted string"), so
// that text inside another parameter's quotes is never taken for a charset;
// a value that is not well formed counts as absent, as in w3lib, rather
// than being repaired.

#include <trawl/encoding.hpp>

#include <algorithm>
#include <string>

namespace trawl {
namespace {

bool is_tchar(char c) noexcept
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

/// Also CR and LF: a value may arrive with its line ending.
bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool iequals_ascii(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
        y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
        if (x != y) {
            return false;
        }
    }
    return true;
}

class Parser {
public:
    explicit Parser(std::string_view s) : s_(s) {}

    std::optional<std::string> charset()
    {
        while (pos_ < s_.size()) {
            // The media type itself ("text/html"); a ',' starts the next one.
            skip_to_separator();
            while (pos_ < s_.size() && s_[pos_] == ';') {
                ++pos_;
                if (auto found = parameter()) {
                    return found;
                }
                if (done_) {
                    return std::nullopt;
                }
            }
            if (pos_ < s_.size() && s_[pos_] == ',') {
                ++pos_;
            }
        }
        return std::nullopt;
    }

private:
    /// One parameter, after its ';'. Leaves pos_ at the next ';', ',' or
    /// the end. A charset whose label is unknown ends the search (done_):
    /// the header named an encoding, just not one we have.
    std::optional<std::string> parameter()
    {
        while (pos_ < s_.size() && is_space(s_[pos_])) {
            ++pos_;
        }
        const std::size_t name_start = pos_;
        while (pos_ < s_.size() && s_[pos_] != '=' && s_[pos_] != ';' && s_[pos_] != ',') {
            ++pos_;
        }
        const std::string_view name = s_.substr(name_start, pos_ - name_start);
        if (pos_ == s_.size() || s_[pos_] != '=') {
            return std::nullopt;
        }
        ++pos_;
        std::string value;
        const bool well_formed = s_.substr(pos_, 1) == "\"" ? quoted(value) : token(value);
        if (!well_formed) {
            skip_to_separator();
            return std::nullopt;
        }
        if (!iequals_ascii(name, "charset") || value.empty()) {
            return std::nullopt;
        }
        // Labels are letters, digits and "-_.:"; resolve_encoding would
        // read past other punctuation ("'utf-8'"), which w3lib does not.
        const bool label_like = std::all_of(value.begin(), value.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                   c == '_' || c == '.' || c == ':';
        });
        std::string encoding = label_like ? resolve_encoding(value) : std::string{};
        if (encoding.empty()) {
            done_ = true;
            return std::nullopt;
        }
        return encoding;
    }

    bool token(std::string& value)
    {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && is_tchar(s_[pos_])) {
            ++pos_;
        }
        value.assign(s_.substr(start, pos_ - start));
        return !value.empty() && at_end_of_value();
    }

    bool quoted(std::string& value)
    {
        ++pos_; // the opening quote
        while (pos_ < s_.size() && s_[pos_] != '"') {
            if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) {
                ++pos_;
            }
            value.push_back(s_[pos_++]);
        }
        if (pos_ == s_.size()) {
            done_ = true; // unterminated: the rest of the value is inside it
            return false;
        }
        ++pos_; // the closing quote
        return at_end_of_value();
    }

    /// Only white space may separate a value from the next ';' or ','.
    bool at_end_of_value()
    {
        while (pos_ < s_.size() && is_space(s_[pos_])) {
            ++pos_;
        }
        return pos_ == s_.size() || s_[pos_] == ';' || s_[pos_] == ',';
    }

    /// To the next ';' or ',' outside quotes (or the end).
    void skip_to_separator()
    {
        while (pos_ < s_.size() && s_[pos_] != ';' && s_[pos_] != ',') {
            if (s_[pos_] == '"') {
                ++pos_;
                while (pos_ < s_.size() && s_[pos_] != '"') {
                    pos_ += s_[pos_] == '\\' ? 2 : 1;
                }
                if (pos_ >= s_.size()) {
                    pos_ = s_.size();
                    return;
                }
            }
            ++pos_;
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    bool done_ = false;
};

} // namespace

std::optional<std::string> http_content_type_encoding(std::string_view content_type)
{
    return Parser(content_type).charset();
}

} // namespace trawl
