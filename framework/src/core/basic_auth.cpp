#include <trawl/basic_auth.hpp>

#include <cstdint>
#include <optional>

namespace trawl {
namespace {

// `text` (UTF-8) as Latin-1 if every code point is below U+0100, else nullopt.
std::optional<std::string> to_latin1(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size() &&
                   (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            out.push_back(static_cast<char>(((c & 0x03) << 6) | (next & 0x3F)));
            ++i;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::string base64(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t rest = bytes.size() - i;
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest > 1) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        }
        if (rest > 2) {
            n |= static_cast<unsigned char>(bytes[i + 2]);
        }
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest > 1 ? alphabet[(n >> 6) & 63] : '=';
        out += rest > 2 ? alphabet[n & 63] : '=';
    }
    return out;
}

} // namespace

std::string basic_auth_credentials(std::string_view user, std::string_view password, bool latin1)
{
    std::string credentials;
    credentials.reserve(user.size() + password.size() + 1);
    credentials.append(user).append(":").append(password);
    if (latin1) {
        if (auto encoded = to_latin1(credentials)) {
            return base64(*encoded);
        }
    }
    return base64(credentials);
}

} // namespace trawl
