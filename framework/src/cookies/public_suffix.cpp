// The public suffix list, through libpsl (the only file that includes it).
// The list compiled into libpsl (psl_builtin) is used, never a file read at
// run time: a crawl must not depend on what /usr/share holds.

#include "cookies/cookie_rules.hpp"

#include <libpsl.h>

namespace trawl::detail {

bool is_public_suffix(const std::string& domain)
{
    static const psl_ctx_t* const list = psl_builtin();
    if (list == nullptr) {
        // A libpsl built without its list: treat every Domain as a public
        // suffix, so cookies fall back to host-only (safe, if less useful)
        // rather than leaking to a whole TLD.
        return true;
    }
    // PSL_TYPE_ANY: private-section suffixes (github.io, blogspot.com) are
    // as public for cookies as co.uk, which is how browsers treat them.
    return psl_is_public_suffix2(list, domain.c_str(), PSL_TYPE_ANY) != 0;
}

std::string registrable_domain(const std::string& host)
{
    static const psl_ctx_t* const list = psl_builtin();
    if (list == nullptr) {
        return host;
    }
    // libpsl returns a pointer into `host`, or null when it is not
    // registrable (a suffix itself).
    const char* const found = psl_registrable_domain(list, host.c_str());
    return found == nullptr ? host : std::string(found);
}

} // namespace trawl::detail
