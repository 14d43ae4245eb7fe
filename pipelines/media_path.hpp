#pragma once
// Where the files and images pipelines keep what they download, named as
// Scrapy's FilesPipeline.file_path names it: full/<SHA1 of the URL><ext>,
// so a store written by Scrapy and one written by trawl agree for the same
// URLs (see url_extension for the one difference).

#include <string>
#include <string_view>

namespace trawl::media {

/// Lower-case hex SHA-1 of `data`.
std::string sha1_hex(std::string_view data);

/// Lower-case hex MD5 of `data` (the checksum Scrapy reports).
std::string md5_hex(std::string_view data);

/// The extension (".pdf", ".tar"...) of the URL's last path segment, lower
/// case, when it is one Python's mimetypes table knows; "" otherwise. As
/// Python's Path.suffix: from the last '.', not for a segment that starts
/// with its only '.'. Unlike Scrapy, which takes the suffix of the whole
/// URL, the query and fragment are left out first, so ".../a.pdf?v=2"
/// gives ".pdf" (Scrapy gives "").
std::string url_extension(std::string_view url);

/// "full/<sha1_hex(url)><url_extension(url)>": the files pipeline's path,
/// relative to FILES_STORE.
std::string file_path(std::string_view url);

/// "full/<sha1_hex(url)>": the images pipeline adds the extension of the
/// type it finds in the body.
std::string path_stem(std::string_view url);

} // namespace trawl::media
