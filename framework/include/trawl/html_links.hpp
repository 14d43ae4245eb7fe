#pragma once
// A fast, single-pass HTML scanner for what a link-following crawler needs:
// the links (<a href>, <area href>), the first <base href> and the first
// <title>. It builds no tree and allocates only for what it returns: on a
// 20 KB page it is an order of magnitude faster than tokenising with
// libxml2. Use a Selector when a spider needs more of the page.
//
// It reads bytes the way an HTML5 tokenizer does where that matters for
// links: comments (an unterminated one runs to the end), <!DOCTYPE> and
// <?...?> skipped to '>', raw text of <script>, <style>, <textarea>,
// <title>, <xmp>, <iframe>, <noembed>, <noframes> (no tags inside) and
// <plaintext> (none after it), CDATA sections skipped to "]]>", attribute
// values double-, single- or unquoted, names case-insensitive, the first of
// duplicate attributes kept, character references decoded. A tag cut off
// by the end of the input is dropped, as a browser drops it. Any byte
// string is valid input: the scanner never reads outside it.
//
// It is encoding-agnostic: any ASCII-compatible encoding (UTF-8, Latin-1,
// windows-125x) scans correctly; decoded character references are
// written as UTF-8.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trawl {

/// What scan_links reports beyond the hrefs, for trawl::LinkExtractor.
struct ScanOptions {
    /// Fill PageLinks::details: each link's tag, text and rel.
    bool link_details = false;
    /// Only the title: stop after the first <title> (no links, no base).
    bool title_only = false;
};

/// One link's element, as a tree-building parser would see it.
struct LinkDetails {
    /// "a" or "area".
    std::string tag;
    /// The element's descendant text (XPath string()), references
    /// decoded, whitespace as written; comments left out, the raw text of a
    /// <script> or <style> inside it included, as lxml includes it. "" for
    /// <area> and a self-closed <a ... />. Where the text ends follows
    /// libxml2's HTML parser (the one lxml uses) for what pages do: at
    /// </a>; at another <a> that starts directly inside it; at an end tag
    /// of an element it sits in (</p>, </li>, </div>, ...). Stray end tags
    /// of void and inline elements (</br>, </span>) are ignored, and an
    /// <a> nested inside other elements of a link nests (its text counts
    /// for both). Elements more than 256 deep inside one link are not
    /// tracked.
    std::string text;
    /// The rel attribute, references decoded ("" when absent).
    std::string rel;
};

struct PageLinks {
    /// Text of the first <title>: references decoded, ASCII whitespace
    /// collapsed to single spaces and trimmed (as document.title). Empty
    /// when the page has none.
    std::string title;
    /// href of the first <base> that has one, decoded and trimmed.
    std::optional<std::string> base_href;
    /// href of every <a> and <area> that has one, in document order:
    /// references decoded, leading and trailing ASCII whitespace removed,
    /// otherwise as written (relative, with fragments, duplicates kept).
    std::vector<std::string> hrefs;
    /// With ScanOptions::link_details: details[i] describes hrefs[i].
    /// Empty otherwise.
    std::vector<LinkDetails> details;
};

/// Scans `html` once. Never throws except std::bad_alloc.
PageLinks scan_links(std::string_view html);
PageLinks scan_links(std::string_view html, const ScanOptions& options);

/// The links of `page` a crawler can follow from `page_url`: each href
/// resolved with trawl::urljoin against the base (the <base href> resolved
/// against `page_url`, or `page_url` itself when there is none or it does
/// not resolve), fragment dropped, only http and https kept. Empty hrefs,
/// hrefs that do not resolve and other schemes (javascript:, mailto:,
/// data:, ftp:, ...) are dropped. In document order, each URL once.
/// Empty when `page_url` is not an absolute URL.
std::vector<std::string> resolve_links(const PageLinks& page, std::string_view page_url);

} // namespace trawl
