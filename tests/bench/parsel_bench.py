#!/usr/bin/python3
"""parsel's side of the selector benchmark (bench_selectors.sh): the same
work as selector_bench.cpp on the same pages, timed with
time.process_time() (CPU time of this single-threaded process). Each case
runs in samples of at least MIN_SAMPLE_SECONDS of CPU; the result is the
median time per iteration of SAMPLES samples, in microseconds, printed as
JSON: {"cases": {name: us}, "versions": {...}}.

Run with Debian's /usr/bin/python3 (python3-parsel, and python3-scrapy for
the LinkExtractor case, which is skipped when Scrapy is not installed):
  /usr/bin/python3 parsel_bench.py PAGES_DIR [SAMPLES]"""

import json
import pathlib
import statistics
import sys
import time
from urllib.parse import urljoin

import parsel

MIN_SAMPLE_SECONDS = 0.2
URL = "http://127.0.0.1:8080/list/page/7"

# The queries, shared with selector_bench.cpp (keep them in step).
ITEM = "div.product"
FIELDS = {
    "title": "h3 a::text",
    "url": "h3 a::attr(href)",
    "price": "span.amount::text",
    "description": "p.description::text",
    "rating": "div.rating::attr(data-stars)",
}
TAGS = "ul.tags a::text"
CSS_VS_XPATH = {
    "class": ("div.product h3 a::attr(href)",
              "//div[contains(concat(' ', normalize-space(@class), ' '), ' product ')]//h3//a/@href"),
    "child": ("li > a", "//li/a"),
}


def per_iteration_us(fn, samples):
    fn()  # warm caches (cssselect's translation cache among them)
    iterations = 1
    while True:
        start = time.process_time()
        for _ in range(iterations):
            fn()
        spent = time.process_time() - start
        if spent >= MIN_SAMPLE_SECONDS / 4:
            break
        iterations *= 2
    iterations = max(1, int(iterations * MIN_SAMPLE_SECONDS / max(spent, 1e-9)))
    results = []
    for _ in range(samples):
        start = time.process_time()
        for _ in range(iterations):
            fn()
        results.append((time.process_time() - start) / iterations * 1e6)
    return statistics.median(results)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: parsel_bench.py PAGES_DIR [SAMPLES]")
    pages = pathlib.Path(sys.argv[1])
    samples = int(sys.argv[2]) if len(sys.argv) == 3 else 5
    listing = (pages / "listing.html").read_text(encoding="utf-8")
    links = (pages / "links.html").read_text(encoding="utf-8")
    links_bytes = links.encode("utf-8")

    def extract_listing():
        sel = parsel.Selector(text=listing)
        items = []
        for product in sel.css(ITEM):
            item = {name: product.css(query).get() for name, query in FIELDS.items()}
            item["tags"] = product.css(TAGS).getall()
            items.append(item)
        return items

    def links_css():
        sel = parsel.Selector(text=links)
        return [urljoin(URL, href) for href in sel.css("a::attr(href)").getall()]

    cases = {
        "parse_listing": lambda: parsel.Selector(text=listing),
        "extract_listing": extract_listing,
        "parse_links": lambda: parsel.Selector(text=links),
        "links_css": links_css,
        "links_css_no_urljoin": lambda: parsel.Selector(text=links).css("a::attr(href)").getall(),
    }
    versions = {"python": sys.version.split()[0], "parsel": parsel.__version__}
    try:
        import scrapy
        from scrapy.http import HtmlResponse
        from scrapy.linkextractors import LinkExtractor

        extractor = LinkExtractor()
        cases["links_extractor"] = lambda: extractor.extract_links(
            HtmlResponse(URL, body=links_bytes, encoding="utf-8"))
        versions["scrapy"] = scrapy.__version__
    except ImportError:
        pass

    parsed = parsel.Selector(text=listing)
    for name, (css, xpath) in CSS_VS_XPATH.items():
        if len(parsed.css(css)) != len(parsed.xpath(xpath)):
            sys.exit(f"parsel_bench.py: the {name} queries do not select the same nodes")
        cases[f"css_{name}"] = lambda q=css: parsed.css(q)
        cases[f"xpath_{name}"] = lambda q=xpath: parsed.xpath(q)

    counts = {"listing_items": len(extract_listing()), "links": len(links_css())}
    out = {name: per_iteration_us(fn, samples) for name, fn in cases.items()}
    json.dump({"cases": out, "counts": counts, "versions": versions}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
