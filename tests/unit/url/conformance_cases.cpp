#include "conformance_cases.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace trawl::test {

void PrintTo(const ConformanceCase& c, std::ostream* os)
{
    *os << "#" << c.index << " " << boost::json::serialize(c.data);
}

boost::json::value load_conformance_json(std::string_view file_name)
{
    const std::string path = std::string(TRAWL_CONFORMANCE_DIR) + "/" + std::string(file_name);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    return boost::json::parse(text.str());
}

std::vector<ConformanceCase> load_cases(std::string_view file_name)
{
    std::vector<ConformanceCase> cases;
    try {
        const boost::json::value doc = load_conformance_json(file_name);
        const auto& array = doc.as_object().at("cases").as_array();
        for (std::size_t i = 0; i < array.size(); ++i) {
            ConformanceCase c;
            c.index = i;
            c.data = array[i].as_object();
            std::string description;
            if (const auto* origin = c.data.if_contains("origin")) {
                if (const auto* test = origin->as_object().if_contains("test")) {
                    std::string_view t = test->as_string();
                    if (const auto colons = t.rfind("::"); colons != std::string_view::npos) {
                        t = t.substr(colons + 2);
                    }
                    if (t.starts_with("test_")) {
                        t = t.substr(5);
                    }
                    description = std::string(t.substr(0, 24));
                }
            }
            if (const auto input = string_member(c.data, "input")) {
                description += "_" + *input;
            }
            char prefix[16];
            std::snprintf(prefix, sizeof prefix, "%03zu_", i);
            c.name = prefix + sanitize_name(description);
            cases.push_back(std::move(c));
        }
    } catch (const std::exception& e) {
        std::cerr << "conformance data " << file_name << ": " << e.what() << "\n";
        cases.clear();
    }
    return cases;
}

std::string sanitize_name(std::string_view text, std::size_t max)
{
    std::string out;
    for (char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (keep) {
            out.push_back(c);
        } else if (!out.empty() && out.back() != '_') {
            out.push_back('_');
        }
        if (out.size() >= max) {
            break;
        }
    }
    while (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    return out.empty() ? "empty" : out;
}

std::string base64_decode(std::string_view text)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+') {
            return 62;
        }
        if (c == '/') {
            return 63;
        }
        return -1;
    };
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (char c : text) {
        const int v = value(c);
        if (v < 0) {
            continue; // '=' padding
        }
        bits = (bits << 6) | static_cast<unsigned>(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xFF));
        }
    }
    return out;
}

std::string latin1_to_utf8(std::string_view bytes)
{
    std::string out;
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x80) {
            out.push_back(c);
        } else {
            out.push_back(static_cast<char>(0xC0 | (b >> 6)));
            out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
        }
    }
    return out;
}

std::optional<std::string> string_member(const boost::json::object& o, std::string_view key)
{
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
        return std::nullopt;
    }
    return std::string(v->as_string());
}

bool bool_member(const boost::json::object& o, std::string_view key)
{
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
}

} // namespace trawl::test
