#pragma once
// The recursive-descent parser behind css::to_xpath(). It translates while it
// parses: each compound selector becomes one XPath step (a name test and
// predicates), and combinators join the steps into a location path.
// css_translator.cpp holds the selector structure, css_pseudo.cpp the
// pseudo-classes and pseudo-elements.

#include "select/css_tokenizer.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trawl::detail::css {

enum class PseudoElement { none, text, attr };

/// One compound selector (div.a[href]:first-child) as an XPath step.
struct Compound {
    std::string element = "*";          ///< XPath name test of the step
    std::string sibling_test;           ///< name test for *-of-type ("" = no type selector)
    bool any_element = true;            ///< no type selector (or '*')
    std::vector<std::string> conditions; ///< XPath predicates, ANDed
    bool scope = false;                 ///< contains :scope
    PseudoElement pseudo_element = PseudoElement::none;
    std::string attribute;              ///< ::attr() as an XPath attribute step ("@href")

    bool bare() const { return any_element && conditions.empty() && !scope; }
    /// element[conditions]
    std::string step() const;
    /// A predicate true when the context node matches (for :not, :is).
    std::string self_test() const;
};

enum class Combinator { descendant, child, adjacent, sibling };

/// Where a compound stands, which decides what it may contain.
struct CompoundContext {
    bool top_level = true;      ///< pseudo-elements allowed
    bool first = true;          ///< :scope allowed
    bool in_negation = false;   ///< inside :not()
    int depth = 0;              ///< nesting of :not/:is/:has
};

class Parser {
public:
    Parser(std::string_view query, bool html);

    std::string selector_group();
    /// For parse_nth(): the (a, b) of the tokens up to the end.
    std::pair<long long, long long> nth_series_to_end();

private:
    // Token stream.
    const Token& peek() const { return tokens_[pos_]; }
    const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    void skip_space();
    bool at_compound_end() const;

    [[noreturn]] void fail(const std::string& why, std::size_t position) const;
    [[noreturn]] void fail_got(const std::string& expected, const Token& got) const;

    // Structure (css_translator.cpp).
    std::string complex_selector(bool top_level, int depth);
    std::string relative_selector(int depth);
    std::string finish_path(const std::string& prefix, const std::string& axis, const Compound& last) const;
    Compound compound(const CompoundContext& context);
    void type_selector(Compound& c);
    void attribute_selector(Compound& c);
    std::string attribute_name_expression(std::string name, const std::string& ns) const;
    bool combinator(Combinator& out);

    // Pseudo-classes and pseudo-elements (css_pseudo.cpp).
    void pseudo(Compound& c, const CompoundContext& context);
    void pseudo_class(Compound& c, const std::string& name, const Token& at, const CompoundContext& context);
    void pseudo_function(Compound& c, const std::string& name, const Token& at, const CompoundContext& context);
    void pseudo_element(Compound& c, const std::string& name, const Token& at, const CompoundContext& context);
    std::vector<Token> function_arguments();
    std::pair<long long, long long> nth_series(const std::vector<Token>& arguments, const Token& at) const;
    void nth_condition(Compound& c, const std::string& name, const Token& at);
    std::string of_type_test(const Compound& c, const std::string& name, const Token& at) const;

    std::string query_;
    bool html_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

/// The predicate of an attribute operator ("~=", "^=", ...) on the XPath
/// attribute expression `name` (css_translator.cpp).
std::string attribute_condition(const std::string& name, std::string_view op, const std::string& value);
/// ASCII lower case.
std::string lower(std::string_view s);
/// cssselect's is_safe_name: usable unquoted as an XPath name.
bool is_safe_name(std::string_view name);

} // namespace trawl::detail::css
