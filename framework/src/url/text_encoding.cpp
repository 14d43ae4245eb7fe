#include "url/text_encoding.hpp"
#include "core/ascii.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace trawl::detail {

namespace {

/// Python's codec-name normalisation: lower case, '-' and ' ' as '_'.
std::string python_codec_key(std::string_view name)
{
    std::string key;
    key.reserve(name.size());
    for (char c : name) {
        key.push_back(c == '-' || c == ' ' ? '_' : ascii_lower(c));
    }
    return key;
}

/// The iconv name for a Python codec name. Only the aliases iconv spells
/// differently are listed; anything else is handed to iconv as it is.
std::string iconv_name(std::string_view encoding)
{
    const std::string key = python_codec_key(encoding);
    struct Alias {
        std::string_view python;
        const char* iconv;
    };
    static constexpr Alias aliases[] = {
        {"latin_1", "ISO-8859-1"},  {"latin1", "ISO-8859-1"}, {"l1", "ISO-8859-1"},
        {"iso_8859_1", "ISO-8859-1"}, {"iso8859_1", "ISO-8859-1"}, {"8859", "ISO-8859-1"},
        {"cp819", "ISO-8859-1"},    {"iso_ir_100", "ISO-8859-1"},
        {"iso2022jp", "ISO-2022-JP"}, {"iso2022_jp", "ISO-2022-JP"}, {"iso_2022_jp", "ISO-2022-JP"},
        {"windows_1252", "CP1252"}, {"windows_1251", "CP1251"},
        {"shift_jis", "SHIFT_JIS"}, {"sjis", "SHIFT_JIS"},
        {"euc_jp", "EUC-JP"},       {"euc_kr", "EUC-KR"}, {"gb2312", "GB2312"},
    };
    for (const auto& alias : aliases) {
        if (alias.python == key) {
            return alias.iconv;
        }
    }
    return std::string(encoding);
}

/// One open converter per thread, kept for the next call: a crawl uses one
/// or two page encodings, and iconv_open costs far more than a conversion.
class ConverterCache {
public:
    ConverterCache() = default;
    ConverterCache(const ConverterCache&) = delete;
    ConverterCache& operator=(const ConverterCache&) = delete;
    ~ConverterCache() { close(); }

    iconv_t get(std::string_view encoding)
    {
        if (cd_ != invalid() && encoding == name_) {
            iconv(cd_, nullptr, nullptr, nullptr, nullptr); // back to the initial shift state
            return cd_;
        }
        close();
        const std::string target = iconv_name(encoding);
        iconv_t cd = iconv_open(target.c_str(), "UTF-8");
        if (cd == invalid()) {
            throw std::invalid_argument("unknown encoding: " + std::string(encoding));
        }
        cd_ = cd;
        name_.assign(encoding);
        return cd_;
    }

private:
    static iconv_t invalid() noexcept { return reinterpret_cast<iconv_t>(-1); }
    void close() noexcept
    {
        if (cd_ != invalid()) {
            iconv_close(cd_);
            cd_ = invalid();
        }
    }
    iconv_t cd_ = invalid();
    std::string name_;
};

} // namespace

bool is_ascii(std::string_view s) noexcept
{
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            return false;
        }
    }
    return true;
}

bool is_valid_utf8(std::string_view s) noexcept
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            cp = b & 0x07;
        } else {
            return false;
        }
        if (i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            if ((cont & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cont & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF.
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            return false;
        }
        i += len;
    }
    return true;
}

bool is_utf8_name(std::string_view encoding) noexcept
{
    // Python: "utf-8", "utf_8", "utf8", "u8", "utf", "cp65001" in any case.
    char key[8];
    if (encoding.size() > sizeof key) {
        return false;
    }
    std::size_t n = 0;
    for (char c : encoding) {
        if (c != '-' && c != '_' && c != ' ') {
            key[n++] = ascii_lower(c);
        }
    }
    const std::string_view k(key, n);
    return k == "utf8" || k == "u8" || k == "utf" || k == "cp65001";
}

bool append_encoded(std::string& out, std::string_view utf8, std::string_view encoding)
{
    if (is_utf8_name(encoding)) {
        if (!is_valid_utf8(utf8)) {
            return false;
        }
        out.append(utf8);
        return true;
    }
    static thread_local ConverterCache cache;
    iconv_t cd = cache.get(encoding);
    if (!is_valid_utf8(utf8)) {
        return false;
    }
    const std::size_t start = out.size();
    char* in = const_cast<char*>(utf8.data()); // iconv's signature; it does not write the input
    std::size_t in_left = utf8.size();
    std::size_t room = utf8.size() * 2 + 8;
    for (;;) {
        const std::size_t used = out.size();
        out.resize(used + room);
        char* dst = out.data() + used;
        std::size_t dst_left = room;
        // A null input flushes a stateful encoding back to its initial shift
        // state (ISO-2022-JP's closing ESC ( B), as Python's encoder does.
        const std::size_t rc = in_left > 0 ? iconv(cd, &in, &in_left, &dst, &dst_left)
                                           : iconv(cd, nullptr, nullptr, &dst, &dst_left);
        out.resize(used + (room - dst_left));
        if (rc != static_cast<std::size_t>(-1)) {
            if (in_left == 0 && in != nullptr) {
                in = nullptr; // one more round for the flush
                continue;
            }
            return true;
        }
        if (errno != E2BIG) {
            out.resize(start);
            return false;
        }
        room *= 2;
    }
}

} // namespace trawl::detail
