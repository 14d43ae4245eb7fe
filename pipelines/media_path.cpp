#include "media_path.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <stdexcept>

namespace trawl::media {

namespace {

std::string digest_hex(const EVP_MD* md, std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, md, nullptr) != 1) {
        throw std::runtime_error("EVP_Digest failed");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

// The extensions Python's mimetypes maps to a type (its built-in table and
// the common ones Debian's /etc/mime.types adds), which Scrapy keeps as
// they are. Sorted, for binary search.
constexpr std::string_view known_extensions[] = {
    ".3gp",   ".7z",    ".a",     ".ai",     ".aif",   ".aifc",   ".aiff",  ".apk",   ".au",    ".avi",
    ".avif",  ".bat",   ".bcpio", ".bin",    ".bmp",   ".bz2",    ".c",     ".cab",   ".cdf",   ".cpio",
    ".csh",   ".css",   ".csv",   ".deb",    ".dll",   ".dmg",    ".doc",   ".docx",  ".dot",   ".dvi",
    ".eml",   ".eps",   ".epub",  ".etx",    ".exe",   ".flac",   ".gif",   ".gtar",  ".gz",    ".h",
    ".h5",    ".hdf",   ".heic",  ".heif",   ".htm",   ".html",   ".ico",   ".ics",   ".ief",   ".iso",
    ".jar",   ".jpe",   ".jpeg",  ".jpg",    ".js",    ".json",   ".jxl",   ".ksh",   ".latex", ".m1v",
    ".m3u",   ".m3u8",  ".m4a",   ".m4v",    ".man",   ".md",     ".me",    ".mht",   ".mhtml", ".mid",
    ".midi",  ".mjs",   ".mkv",   ".mov",    ".movie", ".mp2",    ".mp3",   ".mp4",   ".mpa",   ".mpe",
    ".mpeg",  ".mpg",   ".ms",    ".msi",    ".nc",    ".nws",    ".o",     ".obj",   ".oda",   ".odp",
    ".ods",   ".odt",   ".oga",   ".ogg",    ".ogv",   ".opus",   ".otf",   ".p12",   ".p7c",   ".pbm",
    ".pdf",   ".pfx",   ".pgm",   ".pl",     ".png",   ".pnm",    ".pot",   ".ppa",   ".ppm",   ".pps",
    ".ppt",   ".pptx",  ".ps",    ".py",     ".pyc",   ".qt",     ".ra",    ".ram",   ".rar",   ".ras",
    ".rdf",   ".rgb",   ".roff",  ".rpm",    ".rtf",   ".rtx",    ".sgm",   ".sgml",  ".sh",    ".shar",
    ".snd",   ".so",    ".src",   ".svg",    ".swf",   ".tar",    ".tcl",   ".tex",   ".tgz",   ".tif",
    ".tiff",  ".tr",    ".tsv",   ".ttf",    ".txt",   ".wasm",   ".wav",   ".weba",  ".webm",  ".webp",
    ".woff",  ".woff2", ".xbm",   ".xls",    ".xlsx",  ".xml",    ".xpm",   ".xsl",   ".xwd",   ".xz",
    ".yaml",  ".zip",
};

bool known(std::string_view extension)
{
    return std::binary_search(std::begin(known_extensions), std::end(known_extensions), extension);
}

} // namespace

std::string sha1_hex(std::string_view data) { return digest_hex(EVP_sha1(), data); }

std::string md5_hex(std::string_view data) { return digest_hex(EVP_md5(), data); }

std::string url_extension(std::string_view url)
{
    // The path: after the authority, before the query and fragment.
    if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
        url.remove_prefix(scheme + 3);
        const auto path = url.find_first_of("/?#");
        url = path == std::string_view::npos ? std::string_view{} : url.substr(path);
    }
    url = url.substr(0, url.find_first_of("?#"));
    // Path("a/b.pdf/").suffix is ".pdf": trailing slashes do not count.
    while (!url.empty() && url.back() == '/') {
        url.remove_suffix(1);
    }
    const auto segment = url.substr(url.rfind('/') + 1);
    const auto dot = segment.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == segment.size()) {
        return {};
    }
    std::string extension(segment.substr(dot));
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return known(extension) ? extension : std::string{};
}

std::string path_stem(std::string_view url) { return "full/" + sha1_hex(url); }

std::string file_path(std::string_view url) { return path_stem(url) + url_extension(url); }

} // namespace trawl::media
