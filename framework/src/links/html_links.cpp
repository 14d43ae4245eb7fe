// The link scanner: one forward pass over the bytes that follows the HTML5
// tokenizer's states only as far as they decide where a tag starts and
// ends and what an attribute value is. Text between tags is skipped with
// memchr; only <a>, <area>, <base> and <title> produce output. With
// ScanOptions::link_details it also keeps a small stack of the elements
// open inside the current link, to know where the link's text ends.

#include <trawl/html_links.hpp>

#include "links/char_refs.hpp"
#include "links/html_tokens.hpp"

#include <cstring>
#include <optional>

namespace trawl {

namespace {

using links::detail::classify;
using links::detail::ends_attribute_name;
using links::detail::ends_name;
using links::detail::ends_unquoted;
using links::detail::has_class;
using links::detail::iequals;
using links::detail::iequals_lower;
using links::detail::is_alpha;
using links::detail::is_inline;
using links::detail::is_space;
using links::detail::is_void;
using links::detail::TagKind;

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

// The attributes of one tag the scanner keeps (views into the input).
struct TagAttributes {
    std::optional<std::string_view> href;
    std::optional<std::string_view> rel;
    bool self_closing = false;  // ends with "/>" (libxml2 closes the element at once)
};

// `Details` (ScanOptions::link_details) is a template argument so that the
// plain scan, which the links spider runs on every page, carries none of
// the bookkeeping for link texts.
template <bool Details>
class Scanner {
public:
    Scanner(std::string_view html, const ScanOptions& options)
        : s_(html), n_(html.size()), title_only_(options.title_only)
    {
    }

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
                text_before_markup();
                start_tag();
            } else if (c == '/') {
                text_before_markup();
                end_tag();
            } else if (c == '!') {
                text_before_markup();
                markup_declaration();
            } else if (c == '?') {
                text_before_markup();
                skip_bogus_comment(pos_ + 2);
            } else {
                ++pos_;  // "<" followed by anything else is text
                continue;
            }
            if constexpr (Details) {
                text_from_ = pos_;
            }
        }
        if (collecting() && text_from_ < n_) {
            append_text(s_.substr(text_from_), true);  // a link left open runs to the end
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
    // when the input ends first. With `want_href` (`want_rel`), the first
    // href's (rel's) raw value, empty for a bare attribute, goes to `out`.
    std::optional<std::size_t> attributes(std::size_t i, bool want_href, bool want_rel, TagAttributes& out) const
    {
        bool slash = false;
        for (;;) {
            while (i < n_ && (is_space(s_[i]) || s_[i] == '/')) {
                if constexpr (Details) {
                    slash = s_[i] == '/';
                }
                ++i;
            }
            if (i >= n_) {
                return std::nullopt;
            }
            if (s_[i] == '>') {
                out.self_closing = slash;
                return i + 1;
            }
            if constexpr (Details) {
                slash = false;
            }
            // A name runs to whitespace, '/', '>' or '='; a leading '=' is
            // part of it.
            const std::size_t name_start = i++;
            while (i < n_ && !has_class(s_[i], ends_attribute_name)) {
                ++i;
            }
            const auto name = s_.substr(name_start, i - name_start);
            const bool is_href = want_href && !out.href && iequals_lower(name, "href");
            const bool is_rel = want_rel && !out.rel && iequals_lower(name, "rel");
            while (i < n_ && is_space(s_[i])) {
                ++i;
            }
            if (i >= n_) {
                return std::nullopt;
            }
            if (s_[i] != '=') {
                if (is_href) {
                    out.href.emplace();
                }
                if (is_rel) {
                    out.rel.emplace();
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
                out.href = value;
            }
            if (is_rel) {
                out.rel = value;
            }
        }
    }

    void start_tag()
    {
        const std::size_t name_start = pos_ + 1;
        const std::size_t name_end = tag_name_end(name_start);
        const auto name = s_.substr(name_start, name_end - name_start);
        const TagKind kind = classify(name);
        const bool want_href = !title_only_ && (kind == TagKind::link || (kind == TagKind::base && !page_.base_href));
        TagAttributes attrs;
        const auto end = attributes(name_end, want_href, Details && kind == TagKind::link, attrs);
        if (!end) {
            pos_ = n_;  // a tag cut off by the end of the input is dropped
            return;
        }
        pos_ = *end;
        if (kind == TagKind::link) {
            if (!title_only_) {
                link(name.size() == 1, attrs);
            }
            return;
        }
        if (collecting() && !attrs.self_closing && !is_void(name)) {
            open_element(name, no_link);
        }
        switch (kind) {
        case TagKind::link:
            break;
        case TagKind::base:
            if (attrs.href) {
                page_.base_href = decode_href(*attrs.href);
            }
            break;
        case TagKind::title: {
            const std::size_t close = raw_text_end(pos_, "title");
            if (collecting()) {
                append_text(s_.substr(pos_, close - pos_), true);
            }
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
            pos_ = title_only_ ? n_ : close;
            break;
        }
        case TagKind::rcdata:
        case TagKind::rawtext: {
            const std::size_t close = raw_text_end(pos_, lower_name(name));
            if (collecting()) {
                append_text(s_.substr(pos_, close - pos_), kind == TagKind::rcdata);
            }
            pos_ = close;
            break;
        }
        case TagKind::plaintext:
            if (collecting()) {
                append_text(s_.substr(pos_), false);
            }
            pos_ = n_;
            break;
        case TagKind::other:
            break;
        }
    }

    // The text from the end of the last markup to the markup at pos_
    // belongs to the open links.
    void text_before_markup()
    {
        if (collecting()) {
            append_text(s_.substr(text_from_, pos_ - text_from_), true);
        }
    }

    // Inside a link whose text is being collected.
    bool collecting() const noexcept
    {
        if constexpr (Details) {
            return !open_.empty();
        } else {
            return false;
        }
    }

    // An <a> (`is_a`) or <area> start tag.
    void link(bool is_a, const TagAttributes& attrs)
    {
        // libxml2 closes an open <a> when another starts directly in it;
        // one nested deeper inside the link stays nested.
        if (is_a && collecting() && iequals_lower(open_.back().name, "a")) {
            open_.pop_back();
        }
        std::size_t index = no_link;
        if (attrs.href) {
            index = page_.hrefs.size();
            page_.hrefs.push_back(decode_href(*attrs.href));
            if constexpr (Details) {
                LinkDetails details;
                details.tag = is_a ? "a" : "area";
                if (attrs.rel) {
                    details.rel = decode_text(*attrs.rel, true);
                }
                page_.details.push_back(std::move(details));
            }
        }
        if (Details && is_a && !attrs.self_closing && (index != no_link || collecting())) {
            open_element("a", index);
        }
    }

    void open_element(std::string_view name, std::size_t link_index)
    {
        if (open_.size() < max_open_) {
            open_.push_back(OpenElement{name, link_index});
        }
    }

    // An end tag while a link is open: it closes the innermost open element
    // of that name and everything inside it; one that matches nothing
    // closes an element the link sits in, so every open link ends, unless
    // it is a stray end tag libxml2 ignores.
    void close_element(std::string_view name)
    {
        for (std::size_t k = open_.size(); k-- > 0;) {
            if (iequals(open_[k].name, name)) {
                open_.resize(k);
                return;
            }
        }
        if (!is_void(name) && !is_inline(name)) {
            open_.clear();
        }
    }

    // Text inside the open links: added to each of them (nested links
    // share their inner text, as string() of each element would).
    void append_text(std::string_view text, bool decode)
    {
        if (text.empty()) {
            return;
        }
        for (const auto& element : open_) {
            if (element.link == no_link) {
                continue;
            }
            auto& out = page_.details[element.link].text;
            if (decode && text.find('&') != std::string_view::npos) {
                links::detail::append_decoded(out, text, false);
            } else {
                out.append(text);
            }
        }
    }

    static std::string decode_text(std::string_view raw, bool in_attribute)
    {
        std::string out;
        if (raw.find('&') == std::string_view::npos) {
            out.assign(raw);
        } else {
            links::detail::append_decoded(out, raw, in_attribute);
        }
        return out;
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
            const std::size_t name_end = tag_name_end(i);
            TagAttributes ignored;
            const auto end = attributes(name_end, false, false, ignored);
            pos_ = end ? *end : n_;
            if (end && collecting()) {
                close_element(s_.substr(i, name_end - i));
            }
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

    // An element open inside a link; `link` indexes page_.details when it
    // is a link itself, else no_link.
    static constexpr std::size_t no_link = static_cast<std::size_t>(-1);
    struct OpenElement {
        std::string_view name;
        std::size_t link;
    };
    static constexpr std::size_t max_open_ = 256;

    std::string_view s_;
    std::size_t n_;
    std::size_t pos_ = 0;
    bool title_only_;
    bool have_title_ = false;
    std::size_t text_from_ = 0;  // where the text after the last markup starts
    std::vector<OpenElement> open_;  // only with Details; empty outside links
    PageLinks page_;
};

} // namespace

PageLinks scan_links(std::string_view html) { return Scanner<false>{html, ScanOptions{}}.run(); }

PageLinks scan_links(std::string_view html, const ScanOptions& options)
{
    if (options.link_details && !options.title_only) {
        return Scanner<true>{html, options}.run();
    }
    return Scanner<false>{html, options}.run();
}

} // namespace trawl
