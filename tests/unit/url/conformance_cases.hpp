#pragma once
// Loading the shared conformance case files (tests/conformance/data) for
// data-driven tests: one GoogleTest parameter per case, named by its index
// and a short description so that a failure says which case it is.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::test {

struct ConformanceCase {
    std::size_t index = 0;
    std::string name;         ///< "<index>_<sanitized description>", a valid test name
    boost::json::object data; ///< the case as written in the file
};

/// gtest prints the case's JSON when an assertion fails.
void PrintTo(const ConformanceCase& c, std::ostream* os);

/// The whole JSON document of a file in TRAWL_CONFORMANCE_DIR; throws if
/// it is missing or malformed.
boost::json::value load_conformance_json(std::string_view file_name);

/// The "cases" array of a trawl-conformance/... file, each named from
/// origin.test and its input. An empty vector if the file cannot be read
/// (the tests counting cases then fail, saying why).
std::vector<ConformanceCase> load_cases(std::string_view file_name);

/// Letters and digits kept, everything else '_', squeezed, at most `max` long.
std::string sanitize_name(std::string_view text, std::size_t max = 40);

std::string base64_decode(std::string_view text);

/// Latin-1 bytes as UTF-8 (what Python's bytes.decode("latin-1") gives).
std::string latin1_to_utf8(std::string_view bytes);

/// A string member of `o`, or nullopt.
std::optional<std::string> string_member(const boost::json::object& o, std::string_view key);
bool bool_member(const boost::json::object& o, std::string_view key);

/// gtest's name generator for ConformanceCase parameters.
struct CaseName {
    template <class ParamInfo>
    std::string operator()(const ParamInfo& info) const
    {
        return info.param.name;
    }
};

} // namespace trawl::test
