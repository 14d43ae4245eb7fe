#include "select/css_tokenizer.hpp"
#include "core/utf8.hpp"
#include "encoding/utf8.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace trawl::detail::css {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_newline(char c) { return c == '\n' || c == '\r' || c == '\f'; }
bool is_space(char c) { return c == ' ' || c == '\t' || is_newline(c); }
bool is_nonascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_nonascii(c); }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }

/// XML 1.0's Char, what an XPath expression may contain. CSS allows any
/// code point (escaped), but libxml2 ends a literal at the first character
/// outside this set and rejects the whole expression, so such a selector is
/// refused here, with its position, instead.
bool is_xpath_char(char32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

[[noreturn]] void refuse_character(char32_t c, std::size_t position)
{
    throw TokenizeError{fmt::format("character U+{:04X} cannot be written in XPath", static_cast<std::uint32_t>(c)),
                        position};
}

/// The selector must be well-formed UTF-8 made of characters XPath can
/// carry (a form feed is CSS white space and never reaches the XPath). In
/// well-formed UTF-8 the only characters outside XML's Char are the ASCII
/// controls and U+FFFE/U+FFFF (EF BF BE/BF); surrogates cannot occur.
void check_characters(std::string_view s)
{
    const std::size_t valid = valid_utf8_prefix(s);
    if (valid != s.size()) {
        throw TokenizeError{"invalid UTF-8", valid};
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
            refuse_character(c, i);
        }
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
            refuse_character(0xFFFE | (s[i + 2] & 1), i);
        }
    }
}

class Tokenizer {
public:
    explicit Tokenizer(std::string_view s) : s_(s) {}

    std::vector<Token> run()
    {
        check_characters(s_);
        std::vector<Token> tokens;
        while (pos_ < s_.size()) {
            const std::size_t start = pos_;
            const char c = s_[pos_];
            if (is_space(c)) {
                while (pos_ < s_.size() && is_space(s_[pos_])) {
                    ++pos_;
                }
                tokens.push_back({TokenType::space, " ", start});
            } else if (starts_ident(pos_)) {
                tokens.push_back({TokenType::ident, read_name(), start});
            } else if (c == '#' && starts_name_char(pos_ + 1)) {
                ++pos_;
                tokens.push_back({TokenType::hash, read_name(), start});
            } else if (c == '"' || c == '\'') {
                tokens.push_back({TokenType::string, read_string(), start});
            } else if (std::size_t end = number_end(pos_); end != 0) {
                tokens.push_back({TokenType::number, std::string(s_.substr(pos_, end - pos_)), start});
                pos_ = end;
            } else if (s_.substr(pos_, 2) == "/*") {
                const std::size_t close = s_.find("*/", pos_ + 2);
                pos_ = close == std::string_view::npos ? s_.size() : close + 2;
            } else {
                tokens.push_back({TokenType::delim, std::string(1, c), start});
                ++pos_;
            }
        }
        tokens.push_back({TokenType::end, {}, s_.size()});
        return tokens;
    }

private:
    bool valid_escape(std::size_t i) const
    {
        return i + 1 < s_.size() && s_[i] == '\\' && !is_newline(s_[i + 1]);
    }
    bool starts_name_char(std::size_t i) const
    {
        return i < s_.size() && (is_name_char(s_[i]) || valid_escape(i));
    }
    bool starts_ident(std::size_t i) const
    {
        if (i < s_.size() && s_[i] == '-') {
            ++i;
        }
        return i < s_.size() && (is_name_start(s_[i]) || valid_escape(i));
    }

    /// Decodes the escape at pos_ (a backslash) into `out`.
    void read_escape(std::string& out)
    {
        const std::size_t start = pos_;
        ++pos_; // the backslash
        if (is_hex(s_[pos_])) {
            char32_t cp = 0;
            std::size_t digits = 0;
            while (pos_ < s_.size() && digits < 6 && is_hex(s_[pos_])) {
                const char h = s_[pos_++];
                const int v = h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10;
                cp = cp * 16 + static_cast<char32_t>(v);
                ++digits;
            }
            if (s_.substr(pos_, 2) == "\r\n") {
                pos_ += 2;
            } else if (pos_ < s_.size() && is_space(s_[pos_])) {
                ++pos_;
            }
            // What append_utf8 turns into U+FFFD is fine; the rest of the
            // code points XPath cannot carry are refused.
            const bool replaced = cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
            if (!replaced && !is_xpath_char(cp)) {
                refuse_character(cp, start);
            }
            append_utf8(out, cp);
            return;
        }
        // Any other character stands for itself (a whole UTF-8 sequence).
        out.push_back(s_[pos_++]);
        while (pos_ < s_.size() && (static_cast<unsigned char>(s_[pos_]) & 0xC0) == 0x80) {
            out.push_back(s_[pos_++]);
        }
    }

    std::string read_name()
    {
        std::string out;
        while (pos_ < s_.size()) {
            if (is_name_char(s_[pos_])) {
                out.push_back(s_[pos_++]);
            } else if (valid_escape(pos_)) {
                read_escape(out);
            } else {
                break;
            }
        }
        return out;
    }

    std::string read_string()
    {
        const std::size_t start = pos_;
        const char quote = s_[pos_++];
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) {
                throw TokenizeError{"unclosed string", start};
            }
            const char c = s_[pos_];
            if (c == quote) {
                ++pos_;
                return out;
            }
            if (is_newline(c)) {
                throw TokenizeError{"newline in string", start};
            }
            if (c != '\\') {
                out.push_back(c);
                ++pos_;
                continue;
            }
            if (pos_ + 1 >= s_.size()) {
                throw TokenizeError{"unclosed string", start};
            }
            const char next = s_[pos_ + 1];
            if (next == '\r' && s_.substr(pos_ + 1, 2) == "\r\n") {
                pos_ += 3; // an escaped line break continues the string
            } else if (is_newline(next)) {
                pos_ += 2;
            } else {
                read_escape(out);
            }
        }
    }

    /// End of a number starting at i ([+-]?([0-9]*\.)?[0-9]+), or 0.
    std::size_t number_end(std::size_t i) const
    {
        auto digit = [&](std::size_t k) { return k < s_.size() && s_[k] >= '0' && s_[k] <= '9'; };
        if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) {
            ++i;
        }
        std::size_t j = i;
        while (digit(j)) {
            ++j;
        }
        if (j < s_.size() && s_[j] == '.' && digit(j + 1)) {
            j += 1;
            while (digit(j)) {
                ++j;
            }
            return j;
        }
        return j > i ? j : 0;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

} // namespace

std::vector<Token> tokenize(std::string_view selector) { return Tokenizer(selector).run(); }

std::string describe(const Token& token)
{
    switch (token.type) {
    case TokenType::ident:
        return fmt::format("identifier '{}'", token.value);
    case TokenType::hash:
        return fmt::format("'#{}'", token.value);
    case TokenType::string:
        return "a string";
    case TokenType::number:
        return fmt::format("number {}", token.value);
    case TokenType::delim:
        return fmt::format("'{}'", token.value);
    case TokenType::space:
        return "whitespace";
    case TokenType::end:
        return "end of selector";
    }
    return "?";
}

} // namespace trawl::detail::css
