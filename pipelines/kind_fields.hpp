#pragma once
// A setting naming fields per item kind, shared by "dedup" (DEDUP_FIELDS)
// and "sqlite" (SQLITE_KEY). Three forms:
//   DEDUP_FIELDS: [url]                         every kind
//   DEDUP_FIELDS: "url,lang"                    the same, comma-separated
//   DEDUP_FIELDS: {book: [isbn], "*": [url]}    per kind; "*" for the others

#include <trawl/settings.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::pipelines {

class KindFields {
public:
    KindFields() = default;

    /// Reads setting `name`; a missing or null setting gives an empty
    /// KindFields. Throws SettingsError naming the setting and its source
    /// for any other shape, or an empty field name.
    static KindFields from_setting(const Settings& settings, std::string_view name);

    /// The fields for items of `kind` (empty: none configured).
    const std::vector<std::string>& for_kind(std::string_view kind) const;
    bool empty() const noexcept { return fallback_.empty() && per_kind_.empty(); }

private:
    std::vector<std::string> fallback_;
    std::map<std::string, std::vector<std::string>, std::less<>> per_kind_;
};

} // namespace trawl::pipelines
