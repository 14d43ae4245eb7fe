#include <trawl/regex.hpp>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include <new>

namespace trawl {
namespace {

// Backtracking limits. 10 million steps is PCRE2's own default and plenty
// for real patterns over a page; it bounds a catastrophic pattern such as
// (a+)+$ to well under a second. The heap limit (KiB) bounds the memory
// the interpreter may use for backtracking.
constexpr std::uint32_t match_limit = 10'000'000;
constexpr std::uint32_t heap_limit_kib = 64 * 1024;

std::string error_text(int code)
{
    PCRE2_UCHAR buffer[256];
    if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) {
        return fmt::format("PCRE2 error {}", code);
    }
    return reinterpret_cast<const char*>(buffer);
}

// Match data and the limits, one set per thread: a Regex is shared by
// threads, and pcre2_match writes into its match data.
struct ThreadMatchState {
    pcre2_match_context* context = nullptr;
    pcre2_match_data* data = nullptr;
    std::uint32_t pairs = 0;

    ThreadMatchState()
    {
        context = pcre2_match_context_create(nullptr);
        if (context == nullptr) {
            throw std::bad_alloc();
        }
        pcre2_set_match_limit(context, match_limit);
        pcre2_set_heap_limit(context, heap_limit_kib);
    }
    ~ThreadMatchState()
    {
        pcre2_match_data_free(data);
        pcre2_match_context_free(context);
    }
    ThreadMatchState(const ThreadMatchState&) = delete;
    ThreadMatchState& operator=(const ThreadMatchState&) = delete;

    pcre2_match_data* data_for(std::uint32_t needed_pairs)
    {
        if (needed_pairs > pairs) {
            pcre2_match_data_free(data);
            data = pcre2_match_data_create(needed_pairs, nullptr);
            if (data == nullptr) {
                pairs = 0;
                throw std::bad_alloc();
            }
            pairs = needed_pairs;
        }
        return data;
    }
};

ThreadMatchState& thread_state()
{
    thread_local ThreadMatchState state;
    return state;
}

} // namespace

RegexError::RegexError(const std::string& message, std::string pattern, std::size_t position)
    : std::invalid_argument(message), pattern_(std::move(pattern)), position_(position)
{
}

struct Regex::Compiled {
    std::string pattern;
    pcre2_code* code = nullptr;
    std::uint32_t capture_count = 0;

    Compiled() = default;
    Compiled(const Compiled&) = delete;
    Compiled& operator=(const Compiled&) = delete;
    ~Compiled() { pcre2_code_free(code); }
};

Regex::Regex(std::string_view pattern, RegexOptions options)
{
    std::uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
    if (options.caseless) {
        flags |= PCRE2_CASELESS;
    }
    auto compiled = std::make_shared<Compiled>();
    compiled->pattern = pattern;
    int error = 0;
    PCRE2_SIZE offset = 0;
    compiled->code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags, &error, &offset, nullptr);
    if (compiled->code == nullptr) {
        throw RegexError(fmt::format("invalid regular expression '{}': {} at {}", pattern, error_text(error), offset),
                         std::string(pattern), offset);
    }
    // JIT makes matching several times faster; without it (not built for
    // this CPU) the interpreter is used.
    pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE);
    pcre2_pattern_info(compiled->code, PCRE2_INFO_CAPTURECOUNT, &compiled->capture_count);
    compiled_ = std::move(compiled);
}

namespace {

/// One pcre2_match; anything but a match or no match throws RegexError.
int match(const pcre2_code* code, const std::string& pattern, std::string_view text, std::size_t offset,
          std::uint32_t options, pcre2_match_data* data, pcre2_match_context* context)
{
    const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), offset,
                               options, data, context);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
        const bool limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                           rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
        throw RegexError(fmt::format("regular expression '{}' {}: {}", pattern,
                                     limit ? "exceeded its backtracking limit" : "failed", error_text(rc)),
                         pattern, RegexError::no_position);
    }
    return rc;
}

struct MatchDataDeleter {
    void operator()(pcre2_match_data* data) const noexcept { pcre2_match_data_free(data); }
};

} // namespace

void Regex::for_each_match(std::string_view text, const std::function<bool(Groups)>& on_match) const
{
    // Match data of this call's own: on_match may run other matches on this
    // thread (even of this Regex), which would overwrite a shared one.
    const std::unique_ptr<pcre2_match_data, MatchDataDeleter> data{
        pcre2_match_data_create(compiled_->capture_count + 1, nullptr)};
    if (data == nullptr) {
        throw std::bad_alloc();
    }
    pcre2_match_context* context = thread_state().context;
    const std::size_t group_offsets = 2 * (compiled_->capture_count + std::size_t{1});
    PCRE2_SIZE offset = 0;
    std::uint32_t options = 0;
    while (offset <= text.size()) {
        const int rc = match(compiled_->code, compiled_->pattern, text, offset, options, data.get(), context);
        if (rc == PCRE2_ERROR_NOMATCH) {
            if (options == 0) {
                return;
            }
            // No non-empty match here: move on by one character.
            options = 0;
            ++offset;
            while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) {
                ++offset;
            }
            continue;
        }
        // PCRE2_SIZE is size_t and PCRE2_UNSET is ~0, the same as npos.
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data.get());
        const PCRE2_SIZE begin = ovector[0];
        const PCRE2_SIZE end = ovector[1];
        if (!on_match(Groups{ovector, group_offsets})) {
            return;
        }
        options = begin == end ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
        offset = end;
    }
}

bool Regex::search(std::string_view text) const
{
    // No user code runs here, so the thread's shared match data will do.
    auto& state = thread_state();
    return match(compiled_->code, compiled_->pattern, text, 0, 0, state.data_for(1), state.context) != PCRE2_ERROR_NOMATCH;
}

std::size_t Regex::capture_count() const noexcept { return compiled_->capture_count; }

std::size_t Regex::group_number(std::string_view name) const
{
    const std::string terminated(name);
    const int number = pcre2_substring_number_from_name(compiled_->code, reinterpret_cast<PCRE2_SPTR>(terminated.c_str()));
    return number > 0 ? static_cast<std::size_t>(number) : 0;
}

const std::string& Regex::pattern() const noexcept { return compiled_->pattern; }

} // namespace trawl
