#pragma once
// Names of download errors for stats keys, standing in for the exception
// class paths Scrapy uses ("downloader/exception_type_count/timed_out").

#include <boost/system/error_code.hpp>

#include <string>

namespace trawl::middlewares {

/// The enumerator name of a trawl::errc ("timed_out", "dns_not_found");
/// "CATEGORY:VALUE" of the portable error condition for a code of another
/// category ("generic:111"), which only a download handler that does not
/// map its errors produces.
std::string error_name(const boost::system::error_code& code);

} // namespace trawl::middlewares
