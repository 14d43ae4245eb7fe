// The link scanner: one forward pass over the bytes that follows the HTML5
// tokenizer's states only as far as they decide where a tag starts and
// ends and what an attribute value is. Text between tags is skipped with
// memchr; only <a>, <area>, <base> and <title> produce output.

#include <trawl/html_links.hpp>

#include "links/char_refs.hpp"

#include <array>
#include <cstring>
#include <optional>

namespace trawl {

namespace {

// Character classes of the tokenizer states the scanner runs, one table
// lookup per byte in the hot loops.
enum : unsigned char {
    space = 1,         // ASCII whitespace
    ends_name = 2,     // ends a tag or attribute name: whitespace, '/', '>'
    ends_unquoted = 4,  // ends an unquoted attribute value: whitespace, '>'
    ends_attribute_name = 8,  // whitespace, '/', '>', '='
};

constexpr auto char_classes = [] {
    std::array<unsigned char, 256> table{};
    for (unsigned char c : {' ', '\n', '\t', '\r', '\f'}) {
        table[c] = space | ends_name | ends_unquoted | ends_attribute_name;
    }
    table['/'] = ends_name | ends_attribute_name;
    table['>'] = ends_name | ends_unquoted | ends_attribute_name;
    table['='] = ends_attribute_name;
    return table;
}();

bool has_class(char c, unsigned char mask) noexcept { return (char_classes[static_cast<unsigned char>(c)] & mask) != 0; }

bool is_space(char c) noexcept { return has_class(c, space); }

bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool iequals_lower(std::string_view text, std::string_view lower) noexcept
{
    if (text.size() != lower.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (to_lower(text[i]) != lower[i]) {
            return false;
        }
    }
    return true;
}

// What a start tag means to the scanner.
enum class TagKind {
    other,
    link,       // a, area: collect href
    base,       // first href wins for the page
    title,      // RCDATA, first one is the page's title
    rcdata,     // textarea: text only, references decoded (nothing to keep)
    rawtext,    // script, style, xmp, iframe, noembed, noframes
    plaintext,  // everything after it is text
};

TagKind classify(std::string_view name) noexcept
{
    // Longer than any name we care about: skip the comparisons.
    if (name.size() > 9) {
        return TagKind::other;
    }
    char lower[9];
    for (std::size_t i = 0; i < name.size(); ++i) {
        lower[i] = to_lower(name[i]);
    }
    const std::string_view n{lower, name.size()};
    switch (n.size()) {
    case 1:
        return n == "a" ? TagKind::link : TagKind::other;
    case 3:
        return n == "xmp" ? TagKind::rawtext : TagKind::other;
    case 4:
        return n == "area" ? TagKind::link : n == "base" ? TagKind::base : TagKind::other;
    case 5:
        return n == "title" ? TagKind::title : n == "style" ? TagKind::rawtext : TagKind::other;
    case 6:
        return n == "script" || n == "iframe" ? TagKind::rawtext : TagKind::other;
    case 7:
        return n == "noembed" ? TagKind::rawtext : TagKind::other;
    case 8:
        return n == "noframes" ? TagKind::rawtext : n == "textarea" ? TagKind::rcdata : TagKind::other;
    case 9:
        return n == "plaintext" ? TagKind::plaintext : TagKind::other;
    default:
        return TagKind::other;
    }
}

// A URL parser drops leading and trailing C0 controls and spaces.
std::string_view trim_url(std::string_view s) noexcept
{
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) {
        s.remove_prefix(1);
    }
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) {
        s.remove_suffix(1);
    }
    return s;
}

std::string decode_href(std::string_view raw)
{
    std::string decoded;
    if (raw.find('&') == std::string_view::npos) {
        decoded.assign(trim_url(raw));
        return decoded;
    }
    links::detail::append_decoded(decoded, raw, true);
    const auto trimmed = trim_url(decoded);
    if (trimmed.size() != decoded.size()) {
        decoded = std::string(trimmed);
    }
    return decoded;
}

// document.title: ASCII whitespace collapsed to one space, ends trimmed.
std::string collapse_whitespace(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (char c : text) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
    }
    return out;
}

class Scanner {
public:
    explicit Scanner(std::string_view html) : s_(html), n_(html.size()) {}

    PageLinks run()
    {
        while (pos_ < n_) {
            const void* found = std::memchr(s_.data() + pos_, '<', n_ - pos_);
            if (!found) {
                break;
            }
            pos_ = static_cast<std::size_t>(static_cast<const char*>(found) - s_.data());
            if (pos_ + 1 >= n_) {
                break;
            }
            const char c = s_[pos_ + 1];
            if (is_alpha(c)) {
                start_tag();
            } else if (c == '/') {
                end_tag();
            } else if (c == '!') {
                markup_declaration();
            } else if (c == '?') {
                skip_bogus_comment(pos_ + 2);
            } else {
                ++pos_;  // "<" followed by anything else is text
            }
        }
        return std::move(page_);
    }

private:
    std::size_t find(char c, std::size_t from) const noexcept
    {
        if (from >= n_) {
            return std::string_view::npos;
        }
        const void* found = std::memchr(s_.data() + from, c, n_ - from);
        return found ? static_cast<std::size_t>(static_cast<const char*>(found) - s_.data()) : std::string_view::npos;
    }

    std::size_t tag_name_end(std::size_t i) const noexcept
    {
        while (i < n_ && !has_class(s_[i], ends_name)) {
            ++i;
        }
        return i;
    }

    // Reads the attributes of a tag from `i` (just after its name) up to
    // and including its '>'. Returns the index after the '>', or nullopt
    // when the input ends first. With `want_href`, the first href's raw
    // value (empty for a bare `href`) goes to `href`.
    std::optional<std::size_t> attributes(std::size_t i, bool want_href, std::optional<std::string_view>& href) const
    {
        for (;;) {
            while (i < n_ && (is_space(s_[i]) || s_[i] == '/')) {
                ++i;
            }
            if (i >= n_) {
                return std::nullopt;
            }
            if (s_[i] == '>') {
                return i + 1;
            }
            // A name runs to whitespace, '/', '>' or '='; a leading '=' is
            // part of it.
            const std::size_t name_start = i++;
            while (i < n_ && !has_class(s_[i], ends_attribute_name)) {
                ++i;
            }
            const bool is_href = want_href && !href && iequals_lower(s_.substr(name_start, i - name_start), "href");
            while (i < n_ && is_space(s_[i])) {
                ++i;
            }
            if (i >= n_) {
                return std::nullopt;
            }
            if (s_[i] != '=') {
                if (is_href) {
                    href.emplace();
                }
                continue;
            }
            ++i;
            while (i < n_ && is_space(s_[i])) {
                ++i;
            }
            if (i >= n_) {
                return std::nullopt;
            }
            std::string_view value;
            if (s_[i] == '"' || s_[i] == '\'') {
                const std::size_t close = find(s_[i], i + 1);
                if (close == std::string_view::npos) {
                    return std::nullopt;
                }
                value = s_.substr(i + 1, close - i - 1);
                i = close + 1;
            } else if (s_[i] != '>') {
                const std::size_t start = i;
                while (i < n_ && !has_class(s_[i], ends_unquoted)) {
                    ++i;
                }
                value = s_.substr(start, i - start);
            }
            if (is_href) {
                href = value;
            }
        }
    }

    void start_tag()
    {
        const std::size_t name_start = pos_ + 1;
        const std::size_t name_end = tag_name_end(name_start);
        const TagKind kind = classify(s_.substr(name_start, name_end - name_start));
        const bool want_href = kind == TagKind::link || (kind == TagKind::base && !page_.base_href);
        std::optional<std::string_view> href;
        const auto end = attributes(name_end, want_href, href);
        if (!end) {
            pos_ = n_;  // a tag cut off by the end of the input is dropped
            return;
        }
        pos_ = *end;
        switch (kind) {
        case TagKind::link:
            if (href) {
                page_.hrefs.push_back(decode_href(*href));
            }
            break;
        case TagKind::base:
            if (href) {
                page_.base_href = decode_href(*href);
            }
            break;
        case TagKind::title: {
            const std::size_t close = raw_text_end(pos_, "title");
            if (!have_title_) {
                have_title_ = true;
                const auto text = s_.substr(pos_, close - pos_);
                if (text.find('&') == std::string_view::npos) {
                    page_.title = collapse_whitespace(text);
                } else {
                    std::string decoded;
                    links::detail::append_decoded(decoded, text, false);
                    page_.title = collapse_whitespace(decoded);
                }
            }
            pos_ = close;
            break;
        }
        case TagKind::rcdata:
        case TagKind::rawtext:
            pos_ = raw_text_end(pos_, lower_name(s_.substr(name_start, name_end - name_start)));
            break;
        case TagKind::plaintext:
            pos_ = n_;
            break;
        case TagKind::other:
            break;
        }
    }

    // Where the raw text starting at `from` ends: the '<' of the first
    // "</name" (`name` in lower case, matched in any case) followed by
    // whitespace, '/' or '>', or the end of the input.
    std::size_t raw_text_end(std::size_t from, std::string_view name) const noexcept
    {
        for (std::size_t at = find('<', from); at != std::string_view::npos; at = find('<', at + 1)) {
            const std::size_t after = at + 2 + name.size();
            if (after >= n_) {
                break;
            }
            if (s_[at + 1] != '/') {
                continue;
            }
            const char next = s_[after];
            if ((is_space(next) || next == '/' || next == '>') &&
                iequals_lower(s_.substr(at + 2, name.size()), name)) {
                return at;
            }
        }
        return n_;
    }

    // `name` is a raw-text tag name as written; the lower-case form of the
    // ones classify() knows (the scanner only calls this for those).
    static std::string_view lower_name(std::string_view name) noexcept
    {
        static constexpr std::string_view known[] = {"title",   "textarea", "script",   "style",
                                                     "xmp",     "iframe",   "noembed", "noframes"};
        for (auto k : known) {
            if (iequals_lower(name, k)) {
                return k;
            }
        }
        return name;
    }

    void end_tag()
    {
        const std::size_t i = pos_ + 2;
        if (i >= n_) {
            pos_ = n_;
            return;
        }
        if (is_alpha(s_[i])) {
            std::optional<std::string_view> ignored;
            const auto end = attributes(tag_name_end(i), false, ignored);
            pos_ = end ? *end : n_;
        } else if (s_[i] == '>') {
            pos_ = i + 1;  // "</>" is dropped
        } else {
            skip_bogus_comment(i);
        }
    }

    void markup_declaration()
    {
        const auto rest = s_.substr(pos_);
        if (rest.starts_with("<!--")) {
            comment(pos_ + 4);
        } else if (rest.starts_with("<![CDATA[")) {
            const std::size_t close = s_.find("]]>", pos_ + 9);
            pos_ = close == std::string_view::npos ? n_ : close + 3;
        } else {
            skip_bogus_comment(pos_ + 2);  // <!DOCTYPE ...> and other declarations
        }
    }

    // `i` is just after "<!--". HTML5 ends a comment at "-->" or "--!>",
    // and takes "<!-->" and "<!--->" as empty comments; an unterminated
    // one runs to the end of the input.
    void comment(std::size_t i)
    {
        if (i < n_ && s_[i] == '>') {
            pos_ = i + 1;
            return;
        }
        if (i + 1 < n_ && s_[i] == '-' && s_[i + 1] == '>') {
            pos_ = i + 2;
            return;
        }
        for (;;) {
            const std::size_t dashes = s_.find("--", i);
            if (dashes == std::string_view::npos) {
                pos_ = n_;
                return;
            }
            std::size_t j = dashes + 2;
            while (j < n_ && s_[j] == '-') {
                ++j;
            }
            if (j < n_ && s_[j] == '>') {
                pos_ = j + 1;
                return;
            }
            if (j + 1 < n_ && s_[j] == '!' && s_[j + 1] == '>') {
                pos_ = j + 2;
                return;
            }
            i = j;
        }
    }

    void skip_bogus_comment(std::size_t from)
    {
        const std::size_t close = find('>', from);
        pos_ = close == std::string_view::npos ? n_ : close + 1;
    }

    std::string_view s_;
    std::size_t n_;
    std::size_t pos_ = 0;
    bool have_title_ = false;
    PageLinks page_;
};

} // namespace

PageLinks scan_links(std::string_view html) { return Scanner{html}.run(); }

} // namespace trawl
