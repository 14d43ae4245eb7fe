// Decoding to UTF-8. UTF-8 is checked and repaired here; single-byte
// encodings use a 256-entry table that iconv fills once per encoding; the
// multi-byte ones (CJK, UTF-16/32) go through glibc's iconv with a
// converter cached per thread. Every invalid sequence becomes U+FFFD.

#include <trawl/encoding.hpp>

#include "encoding/decode.hpp"
#include "encoding/encoding_table.hpp"
#include "encoding/utf8.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace trawl::detail {
namespace {

const iconv_t no_converter = reinterpret_cast<iconv_t>(-1);

/// Each byte's character as UTF-8, packed into the low bytes of a word
/// (at most three bytes: single-byte encodings stay in the BMP).
struct ByteTable {
    std::array<std::uint32_t, 256> utf8{};
    std::array<std::uint8_t, 256> length{};
};

ByteTable build_table(const EncodingInfo& encoding)
{
    iconv_t cd = iconv_open("UTF-8", encoding.iconv_name);
    if (cd == no_converter) {
        throw std::runtime_error("iconv cannot decode " + std::string(encoding.name));
    }
    ByteTable table;
    for (unsigned b = 0; b < 256; ++b) {
        char in_byte = static_cast<char>(b);
        char out[8];
        char* in = &in_byte;
        char* dst = out;
        std::size_t in_left = 1;
        std::size_t out_left = sizeof out;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        std::string_view ch;
        // The flush matters for windows-1258: glibc holds a base letter back
        // to combine it with a following accent; alone, each byte is its
        // own character (as Python decodes it).
        if (iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<std::size_t>(-1) && in_left == 0 &&
            iconv(cd, nullptr, nullptr, &dst, &out_left) != static_cast<std::size_t>(-1) && dst - out <= 3 &&
            dst != out) {
            ch = std::string_view(out, static_cast<std::size_t>(dst - out));
        } else {
            ch = replacement_character; // a byte the code page leaves undefined
        }
        std::uint32_t packed = 0;
        std::memcpy(&packed, ch.data(), ch.size());
        table.utf8[b] = packed;
        table.length[b] = static_cast<std::uint8_t>(ch.size());
    }
    iconv_close(cd);
    for (unsigned b = 0; b < 0x80; ++b) {
        unsigned char first = 0;
        std::memcpy(&first, &table.utf8[b], 1);
        if (table.length[b] != 1 || first != b) {
            // append_single_byte copies ASCII without looking it up.
            throw std::logic_error(std::string(encoding.name) + " is not ASCII-compatible");
        }
    }
    return table;
}

/// The table of a single-byte encoding, built on first use and kept until
/// the program ends (1.3 KB each, at most one per encoding).
const ByteTable& table_of(const EncodingInfo& encoding)
{
    struct Tables {
        std::mutex mutex;
        std::vector<std::unique_ptr<const ByteTable>> owned{encoding_count()};
        std::vector<std::atomic<const ByteTable*>> published{encoding_count()};
    };
    static Tables tables;
    const ByteTable* table = tables.published[encoding.index].load(std::memory_order_acquire);
    if (table == nullptr) {
        std::lock_guard lock(tables.mutex);
        auto& owned = tables.owned[encoding.index];
        if (!owned) {
            owned = std::make_unique<const ByteTable>(build_table(encoding));
            tables.published[encoding.index].store(owned.get(), std::memory_order_release);
        }
        table = owned.get();
    }
    return *table;
}

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

bool ascii_block(const char* p) noexcept
{
    std::uint64_t block;
    std::memcpy(&block, p, sizeof block);
    return (block & high_bits) == 0;
}

/// Every single-byte encoding in the table keeps ASCII as it is, so runs of
/// ASCII are copied eight bytes at a time and only the rest is looked up.
void append_single_byte(std::string& out, std::string_view bytes, const ByteTable& table)
{
    // Size the output exactly first (a cheap pass), so that a page costs
    // one allocation and no slack.
    std::size_t size = bytes.size();
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (i + 8 <= bytes.size() && ascii_block(bytes.data() + i)) {
            i += 8;
            continue;
        }
        size += table.length[static_cast<unsigned char>(bytes[i])] - 1u;
        ++i;
    }
    const std::size_t start = out.size();
    out.resize(start + size + 3); // +3: each character is stored as a 4-byte word
    char* dst = out.data() + start;
    i = 0;
    while (i < bytes.size()) {
        if (i + 8 <= bytes.size() && ascii_block(bytes.data() + i)) {
            std::memcpy(dst, bytes.data() + i, 8);
            dst += 8;
            i += 8;
            continue;
        }
        const auto b = static_cast<unsigned char>(bytes[i++]);
        std::memcpy(dst, &table.utf8[b], 4);
        dst += table.length[b];
    }
    out.resize(start + size);
}

/// One open converter per encoding and thread: iconv_open costs far more
/// than decoding a page, and a converter must not be shared by threads.
class Converters {
public:
    Converters() : open_(encoding_count(), no_converter) {}
    Converters(const Converters&) = delete;
    Converters& operator=(const Converters&) = delete;
    ~Converters()
    {
        for (iconv_t cd : open_) {
            if (cd != no_converter) {
                iconv_close(cd);
            }
        }
    }

    iconv_t get(const EncodingInfo& encoding)
    {
        iconv_t& cd = open_[encoding.index];
        if (cd == no_converter) {
            cd = iconv_open("UTF-8", encoding.iconv_name);
            if (cd == no_converter) {
                throw std::runtime_error("iconv cannot decode " + std::string(encoding.name));
            }
        } else {
            iconv(cd, nullptr, nullptr, nullptr, nullptr); // back to the initial shift state
        }
        return cd;
    }

private:
    std::vector<iconv_t> open_;
};

void append_iconv(std::string& out, std::string_view bytes, const EncodingInfo& encoding)
{
    static thread_local Converters converters;
    iconv_t cd = converters.get(encoding);
    const bool gb18030 = encoding.name == "gb18030";
    // Two-byte CJK characters become three bytes of UTF-8.
    out.reserve(out.size() + bytes.size() + bytes.size() / 2 + 16);
    // iconv writes into a fixed buffer that is appended to `out`: resizing
    // `out` around every call would cost time in proportion to the rest of
    // the body at each invalid byte (quadratic on garbage).
    std::array<char, 8192> buffer;
    char* in = const_cast<char*>(bytes.data()); // iconv's signature; it does not write the input
    std::size_t in_left = bytes.size();
    bool flushing = false;
    for (;;) {
        char* dst = buffer.data();
        std::size_t dst_left = buffer.size();
        // At the end of the input, a null input makes a stateful decoder
        // (ISO-2022-JP) return to its initial state, writing what it owes.
        const std::size_t rc = flushing ? iconv(cd, nullptr, nullptr, &dst, &dst_left)
                                        : iconv(cd, &in, &in_left, &dst, &dst_left);
        const int error = errno;
        out.append(buffer.data(), static_cast<std::size_t>(dst - buffer.data()));
        if (rc != static_cast<std::size_t>(-1)) {
            if (flushing) {
                return;
            }
            flushing = in_left == 0;
            continue;
        }
        if (error == E2BIG) {
            continue;
        }
        if (flushing) {
            out.append(replacement_character); // a shift state that cannot be closed
            return;
        }
        if (error == EINVAL) {
            // A sequence cut off by the end of the body.
            out.append(replacement_character);
            in_left = 0;
            flushing = true;
            iconv(cd, nullptr, nullptr, nullptr, nullptr);
            continue;
        }
        if (error != EILSEQ) {
            throw std::runtime_error("iconv failed decoding " + std::string(encoding.name));
        }
        // The WHATWG gb18030 decoder reads a lone 0x80 as the euro sign
        // (code page 936 did); glibc rejects it.
        const bool euro = gb18030 && static_cast<unsigned char>(*in) == 0x80;
        out.append(euro ? std::string_view("\xE2\x82\xAC") : replacement_character);
        const std::size_t skip = euro ? 1 : std::min<std::size_t>(encoding.unit, in_left);
        in += skip;
        in_left -= skip;
        flushing = in_left == 0;
    }
}

} // namespace

void append_decoded(std::string& out, std::string_view bytes, const EncodingInfo& encoding)
{
    switch (encoding.kind) {
    case DecoderKind::utf8:
        append_utf8_replacing(out, bytes);
        return;
    case DecoderKind::single_byte:
        append_single_byte(out, bytes, table_of(encoding));
        return;
    case DecoderKind::iconv:
        append_iconv(out, bytes, encoding);
        return;
    }
}

void shrink_if_loose(std::string& text)
{
    // Keep a cached text from holding far more memory than it uses.
    if (text.capacity() > text.size() + text.size() / 4 + 64) {
        text.shrink_to_fit();
    }
}

} // namespace trawl::detail

namespace trawl {

std::string decode_to_utf8(std::string_view bytes, std::string_view encoding)
{
    const detail::EncodingInfo* info = detail::find_encoding(encoding);
    if (info == nullptr) {
        throw std::invalid_argument("unknown encoding: " + std::string(encoding));
    }
    std::string out;
    detail::append_decoded(out, bytes, *info);
    detail::shrink_if_loose(out);
    return out;
}

} // namespace trawl
