// Encoding labels: the WHATWG Encoding Standard's label table, plus the
// Python codec names and aliases w3lib hands out or accepts, each mapped to
// the encoding w3lib would decode with (its DEFAULT_ENCODING_TRANSLATION
// agrees with the WHATWG mapping: latin1 -> windows-1252, gbk -> gb18030,
// euc-kr -> the Windows code page 949 superset, shift_jis -> code page 932,
// big5 -> Big5 with HKSCS, iso-8859-9 -> windows-1254, tis-620 ->
// windows-874).

#include <trawl/encoding.hpp>

#include "encoding/encoding_table.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace trawl::detail {
namespace {

struct Entry {
    std::string_view name;
    const char* iconv_name;
    DecoderKind kind;
    unsigned char unit;
    std::string_view labels; ///< space-separated, as written in the standards
};

constexpr DecoderKind sb = DecoderKind::single_byte;
constexpr DecoderKind mb = DecoderKind::iconv;

// UTF-8 must stay first: utf8_encoding() returns entry 0.
constexpr std::array entries{
    Entry{"UTF-8", nullptr, DecoderKind::utf8, 1,
          "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8 u8 utf cp65001"},
    Entry{"IBM866", "IBM866", sb, 1, "866 cp866 csibm866 ibm866"},
    Entry{"ISO-8859-2", "ISO-8859-2", sb, 1,
          "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso_8859-2:1987 l2 latin2"},
    Entry{"ISO-8859-3", "ISO-8859-3", sb, 1,
          "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso_8859-3:1988 l3 latin3"},
    Entry{"ISO-8859-4", "ISO-8859-4", sb, 1,
          "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso_8859-4:1988 l4 latin4"},
    Entry{"ISO-8859-5", "ISO-8859-5", sb, 1,
          "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso_8859-5:1988"},
    Entry{"ISO-8859-6", "ISO-8859-6", sb, 1,
          "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
          "iso-8859-6-i iso-ir-127 iso8859-6 iso_8859-6:1987"},
    Entry{"ISO-8859-7", "ISO-8859-7", sb, 1,
          "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso_8859-7:1987 "
          "sun_eu_greek"},
    Entry{"ISO-8859-8", "ISO-8859-8", sb, 1,
          "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso_8859-8:1988 "
          "visual"},
    Entry{"ISO-8859-8-I", "ISO-8859-8", sb, 1, "csiso88598i iso-8859-8-i logical"},
    Entry{"ISO-8859-10", "ISO-8859-10", sb, 1, "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 l6 latin6"},
    Entry{"ISO-8859-13", "ISO-8859-13", sb, 1, "iso-8859-13 iso8859-13 l7 latin7"},
    Entry{"ISO-8859-14", "ISO-8859-14", sb, 1, "iso-8859-14 iso8859-14 l8 latin8"},
    Entry{"ISO-8859-15", "ISO-8859-15", sb, 1, "csisolatin9 iso-8859-15 iso8859-15 l9 latin9"},
    Entry{"ISO-8859-16", "ISO-8859-16", sb, 1, "iso-8859-16 iso8859-16 l10 latin10"},
    Entry{"KOI8-R", "KOI8-R", sb, 1, "cskoi8r koi koi8 koi8-r"},
    Entry{"KOI8-U", "KOI8-U", sb, 1, "koi8-ru koi8-u"},
    Entry{"macintosh", "MACINTOSH", sb, 1, "csmacintosh mac macintosh x-mac-roman mac-roman"},
    Entry{"windows-874", "CP874", sb, 1,
          "dos-874 iso-8859-11 iso8859-11 tis-620 windows-874 cp874 win-874 tis-620-0 tis-620-2529-1 iso-ir-166"},
    Entry{"windows-1250", "CP1250", sb, 1, "cp1250 windows-1250 x-cp1250"},
    Entry{"windows-1251", "CP1251", sb, 1, "cp1251 windows-1251 x-cp1251 win-1251"},
    // ASCII and ISO-8859-1 pages are read as windows-1252 by browsers and by
    // w3lib: their bytes 0x80-0x9F are nearly always windows-1252 text.
    Entry{"windows-1252", "CP1252", sb, 1,
          "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
          "iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252 latin 8859 us iso646-us ibm367 cp367 "
          "csascii iso-ir-6 646"},
    Entry{"windows-1253", "CP1253", sb, 1, "cp1253 windows-1253 x-cp1253"},
    Entry{"windows-1254", "CP1254", sb, 1,
          "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"},
    Entry{"windows-1255", "CP1255", sb, 1, "cp1255 windows-1255 x-cp1255"},
    Entry{"windows-1256", "CP1256", sb, 1, "cp1256 windows-1256 x-cp1256"},
    Entry{"windows-1257", "CP1257", sb, 1, "cp1257 windows-1257 x-cp1257"},
    Entry{"windows-1258", "CP1258", sb, 1, "cp1258 windows-1258 x-cp1258"},
    Entry{"x-mac-cyrillic", "MAC-CYRILLIC", sb, 1, "x-mac-cyrillic x-mac-ukrainian mac-cyrillic"},
    // GB2312 and GBK are subsets of GB18030, and the WHATWG GBK decoder is
    // the gb18030 one: a single name for all three.
    Entry{"gb18030", "GB18030", mb, 1,
          "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030 "
          "gb18030-2000 cp936 936 ms936 euc-cn eucgb2312-cn zh-cn"},
    Entry{"Big5", "BIG5-HKSCS", mb, 1, "big5 big5-hkscs cn-big5 csbig5 x-x-big5 big5-tw cp950"},
    Entry{"EUC-JP", "EUC-JP", mb, 1, "cseucpkdfmtjapanese euc-jp x-euc-jp ujis u-jis"},
    Entry{"ISO-2022-JP", "ISO-2022-JP", mb, 1, "csiso2022jp iso-2022-jp"},
    Entry{"Shift_JIS", "CP932", mb, 1,
          "csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis cp932 932 s-jis win-31j"},
    Entry{"EUC-KR", "CP949", mb, 1,
          "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 windows-949 "
          "cp949 949 ms949 uhc ks_x_1001"},
    // Without a byte order mark, "utf-16" is big-endian (RFC 2781 4.3, and
    // w3lib); the HTML standard would say little-endian.
    Entry{"UTF-16BE", "UTF-16BE", mb, 2, "unicodefffe utf-16be utf-16 u16"},
    Entry{"UTF-16LE", "UTF-16LE", mb, 2, "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16le"},
    // Not in the HTML standard; Python (and so w3lib) decodes it.
    Entry{"UTF-32BE", "UTF-32BE", mb, 4, "utf-32be utf-32 u32"},
    Entry{"UTF-32LE", "UTF-32LE", mb, 4, "utf-32le"},
};

constexpr std::size_t max_key = 32;

/// Lower-case letters and digits only: "ISO_8859-1:1987" -> "iso885911987",
/// " Latin-1" -> "latin1". Python ignores punctuation in codec names much
/// the same way; no two labels in the table collide under it (checked when
/// the index is built). Empty for labels that cannot be in the table.
std::string_view key_of(std::string_view label, std::array<char, max_key>& buffer) noexcept
{
    std::size_t n = 0;
    for (const char c : label) {
        char k = 0;
        if (c >= 'A' && c <= 'Z') {
            k = static_cast<char>(c - 'A' + 'a');
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            k = c;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            return {};
        } else {
            continue;
        }
        if (n == buffer.size()) {
            return {};
        }
        buffer[n++] = k;
    }
    return {buffer.data(), n};
}

std::string key_of(std::string_view label)
{
    std::array<char, max_key> buffer{};
    return std::string(key_of(label, buffer));
}

struct Index {
    std::vector<EncodingInfo> infos;
    std::vector<std::pair<std::string, std::size_t>> keys; ///< sorted by key
};

const Index& index()
{
    static const Index built = [] {
        Index out;
        out.infos.reserve(entries.size());
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const Entry& e = entries[i];
            out.infos.push_back(EncodingInfo{e.name, e.iconv_name, e.kind, e.unit, i});
            std::string_view labels = e.labels;
            while (!labels.empty()) {
                const std::size_t space = labels.find(' ');
                out.keys.emplace_back(key_of(labels.substr(0, space)), i);
                labels = space == std::string_view::npos ? std::string_view{} : labels.substr(space + 1);
            }
            out.keys.emplace_back(key_of(e.name), i);
        }
        std::sort(out.keys.begin(), out.keys.end());
        // Two spellings of one label are fine; one key for two encodings is
        // a mistake in the table above.
        for (std::size_t i = 1; i < out.keys.size(); ++i) {
            if (out.keys[i].first == out.keys[i - 1].first && out.keys[i].second != out.keys[i - 1].second) {
                throw std::logic_error("encoding label table: '" + out.keys[i].first + "' names two encodings");
            }
        }
        return out;
    }();
    return built;
}

} // namespace

const EncodingInfo* find_encoding(std::string_view label) noexcept
{
    std::array<char, max_key> buffer{};
    const std::string_view key = key_of(label, buffer);
    if (key.empty()) {
        return nullptr;
    }
    const Index& idx = index();
    const auto it = std::lower_bound(idx.keys.begin(), idx.keys.end(), key,
                                     [](const auto& entry, std::string_view k) { return entry.first < k; });
    if (it == idx.keys.end() || it->first != key) {
        return nullptr;
    }
    return &idx.infos[it->second];
}

const EncodingInfo& utf8_encoding() noexcept { return index().infos.front(); }

std::size_t encoding_count() noexcept { return entries.size(); }

} // namespace trawl::detail

namespace trawl {

std::string resolve_encoding(std::string_view label)
{
    const detail::EncodingInfo* info = detail::find_encoding(label);
    return info == nullptr ? std::string{} : std::string(info->name);
}

} // namespace trawl
