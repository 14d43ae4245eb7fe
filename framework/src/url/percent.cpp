#include "url/percent.hpp"

#include <trawl/url.hpp>

namespace trawl::detail {

void append_quoted(std::string& out, std::string_view bytes, const ByteSet& safe, PercentMode mode)
{
    // Copy runs of safe bytes in one append: most URLs need no escaping at all.
    std::size_t run = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (safe.contains(b) || (b == '%' && mode == PercentMode::keep_escapes && is_escape_at(bytes, i))) {
            continue;
        }
        out.append(bytes.data() + run, i - run);
        append_escape(out, b);
        run = i + 1;
    }
    out.append(bytes.data() + run, bytes.size() - run);
}

void append_unquoted(std::string& out, std::string_view bytes, bool plus_as_space)
{
    std::size_t run = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '+' && plus_as_space) {
            out.append(bytes.data() + run, i - run);
            out.push_back(' ');
            run = i + 1;
        } else if (c == '%' && is_escape_at(bytes, i)) {
            out.append(bytes.data() + run, i - run);
            out.push_back(static_cast<char>(hex_value(bytes[i + 1]) * 16 + hex_value(bytes[i + 2])));
            i += 2;
            run = i + 1;
        }
    }
    out.append(bytes.data() + run, bytes.size() - run);
}

} // namespace trawl::detail

namespace trawl {

std::string unquote(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    detail::append_unquoted(out, text, false);
    return out;
}

} // namespace trawl
