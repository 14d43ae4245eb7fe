// CSVFeedSpider and its reader, which follows Python's csv module (the
// "excel" dialect with strict off) as Scrapy's csviter uses it.

#include <trawl/feed_spiders.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace trawl {

CsvReader::CsvReader(std::string_view text, char delimiter, char quotechar)
    : text_(text), delimiter_(delimiter), quotechar_(quotechar)
{
}

std::optional<std::vector<std::string>> CsvReader::next()
{
    if (pos_ >= text_.size()) {
        return std::nullopt;
    }
    // The states of CPython's reader (Modules/_csv.c) this dialect reaches.
    enum class State { start_record, start_field, in_field, in_quoted, quote_in_quoted, eat_crnl };
    State state = State::start_record;
    std::vector<std::string> fields;
    std::string field;
    const auto save = [&] {
        fields.push_back(std::move(field));
        field.clear();
    };
    const auto add = [&](char c) {
        if (field.size() >= field_size_limit) {
            throw std::runtime_error(
                fmt::format("CSV line {}: field larger than field limit ({})", line_num_, field_size_limit));
        }
        field.push_back(c);
    };
    const auto is_newline = [](char c) { return c == '\n' || c == '\r'; };

    // Python feeds the reader one line at a time (each with its "\n"),
    // then an end-of-line event; a record is complete when a line ends in
    // state start_record.
    bool line_start = true;
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (line_start) {
            ++line_num_;
            line_start = false;
        }
        ++pos_;
        switch (state) {
        case State::start_record:
            if (is_newline(c)) {
                state = State::eat_crnl;  // a blank line: a record with no fields
                break;
            }
            state = State::start_field;
            [[fallthrough]];
        case State::start_field:
            if (is_newline(c)) {
                save();
                state = State::eat_crnl;
            } else if (c == quotechar_) {
                state = State::in_quoted;
            } else if (c == delimiter_) {
                save();
            } else {
                add(c);
                state = State::in_field;
            }
            break;
        case State::in_field:
            if (is_newline(c)) {
                save();
                state = State::eat_crnl;
            } else if (c == delimiter_) {
                save();
                state = State::start_field;
            } else {
                add(c);
            }
            break;
        case State::in_quoted:
            if (c == quotechar_) {
                state = State::quote_in_quoted;
            } else {
                add(c);
            }
            break;
        case State::quote_in_quoted:
            if (c == quotechar_) {
                add(c);  // a doubled quote character
                state = State::in_quoted;
            } else if (c == delimiter_) {
                save();
                state = State::start_field;
            } else if (is_newline(c)) {
                save();
                state = State::eat_crnl;
            } else {
                add(c);  // strict off: '"ab"c' reads as 'abc'
                state = State::in_field;
            }
            break;
        case State::eat_crnl:
            if (!is_newline(c)) {
                // A lone "\r" inside a line. Python stops with "new-line
                // character seen in unquoted field"; old Mac files use it as
                // the line end, so it ends the record here.
                --pos_;
                return fields;
            }
            break;
        }

        const bool end_of_line = c == '\n' || pos_ == text_.size();
        if (!end_of_line) {
            continue;
        }
        line_start = true;
        switch (state) {
        case State::start_field:
        case State::in_field:
        case State::quote_in_quoted:
            save();
            return fields;
        case State::eat_crnl:
        case State::start_record:
            return fields;
        case State::in_quoted:
            break;  // the quoted field goes on on the next line
        }
    }
    // The text ended inside a quoted field: Python (strict off) keeps it.
    save();
    return fields;
}

Callback CSVFeedSpider::parse_row(Response response, std::map<std::string, std::string>)
{
    throw std::logic_error(fmt::format("spider '{}' must override CSVFeedSpider::parse_row to scrape the CSV feed {}",
                                       name, response.url()));
    co_return;
}

Response CSVFeedSpider::adapt_response(Response response) { return response; }

std::vector<Output> CSVFeedSpider::process_results(const Response&, std::vector<Output> results) { return results; }

Callback CSVFeedSpider::parse(Response original)
{
    const Response response = adapt_response(std::move(original));
    CsvReader reader{response.text(), delimiter, quotechar};
    std::vector<std::string> names = headers;
    if (names.empty()) {
        auto first = reader.next();
        if (!first) {
            co_return;
        }
        names = std::move(*first);
    }
    while (auto record = reader.next()) {
        if (record->size() != names.size()) {
            logger().warning("ignoring row {} (length: {}, should be: {})", reader.line_num(), record->size(),
                             names.size());
            continue;
        }
        std::map<std::string, std::string> row;
        for (std::size_t i = 0; i < names.size(); ++i) {
            row[names[i]] = std::move((*record)[i]);
        }
        Callback inner = parse_row(response, std::move(row));
        std::vector<Output> results;
        while (!inner.done()) {
            auto awaited = detail::step_nested(inner, results);
            if (auto* fetch = std::get_if<FetchOperation>(&awaited)) {
                auto result = co_await std::move(*fetch);
                inner.promise().fetch_result = std::move(result);
            } else if (auto* pause = std::get_if<SleepOperation>(&awaited)) {
                co_await *pause;
            }
        }
        auto processed = process_results(response, std::move(results));
        for (auto& value : processed) {
            if (auto* item = std::get_if<Item>(&value)) {
                co_yield std::move(*item);
            } else {
                co_yield std::move(std::get<Request>(value));
            }
        }
    }
}

} // namespace trawl
