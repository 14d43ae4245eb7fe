#pragma once
// Tokens of a CSS selector, as cssselect's tokenizer makes them: identifiers
// and strings with their escapes decoded, numbers, #hashes (which, as in
// cssselect, may start with a digit), single-character delimiters and
// whitespace runs. Comments are dropped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::detail::css {

enum class TokenType { ident, hash, string, number, delim, space, end };

struct Token {
    TokenType type;
    std::string value;    ///< decoded text; the character for a delimiter
    std::size_t position; ///< byte offset in the selector

    bool is_delim(char c) const { return type == TokenType::delim && value.size() == 1 && value[0] == c; }
};

/// Where tokenizing failed and why (for SelectorError).
struct TokenizeError {
    std::string reason;
    std::size_t position;
};

/// Splits `selector` into tokens ending with one TokenType::end token.
/// Throws TokenizeError for an unclosed or invalid string, invalid UTF-8,
/// or a character XPath cannot carry (outside XML 1.0's Char, e.g. U+0013).
std::vector<Token> tokenize(std::string_view selector);

/// "ident", "string", ... for error messages.
std::string describe(const Token& token);

} // namespace trawl::detail::css
