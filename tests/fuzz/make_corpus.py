#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/ from the conformance cases
(tests/conformance/data): the selectors of css_selector_cases.json, and the
Content-Type + body of encoding_detection_cases.json in the encoding
fuzzer's input layout ("content type\\n" + body). Run it again after the
conformance data changes; file names are hashes of the contents, so a rerun
adds no duplicates."""

import base64
import hashlib
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
data = here.parent / "conformance" / "data"


def write(target, payload):
    out = here / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(payload).hexdigest()[:16]).write_bytes(payload)


css = json.loads((data / "css_selector_cases.json").read_text(encoding="utf-8"))
selectors = {case["selector"] for case in css["cases"] if "selector" in case}
# A few the cases lack: parsel's pseudo-elements, :has(), escapes, errors.
selectors |= {
    "a::attr(href)", "p *::text", "div > p::text", "li:nth-child(2n+1 of .x)", "section:has(> h2 + p)",
    "#\\31 23", "[data-x|=\"a b\"]", "ns|item", "*|*", ":is(a, b):where(.c)", "a[href$=\".pdf\" i]",
    "div:not(:first-child):not(.x > y)", "p:nth-last-of-type(-n + 3)", "div[", ":nth-child(n+)",
}
for selector in sorted(selectors):
    write("css_translator", selector.encode("utf-8"))

enc = json.loads((data / "encoding_detection_cases.json").read_text(encoding="utf-8"))
for case in enc["cases"]:
    body = base64.b64decode(case["body_base64"]) if "body_base64" in case else b""
    content_type = case.get("content_type") or ""
    if case["type"] == "to_unicode":
        content_type = "text/html; charset=" + case["encoding"]
    write("encoding_sniffer", content_type.encode("latin-1", "replace") + b"\n" + body)
