#!/usr/bin/python3
"""Generate a static site for the crawl benchmark (bench_crawl.sh).

    gen_site.py DIR [PAGES]      (default 20000)

Page 0 is /index.html; page i > 0 is /dNNN/pI.html with NNN = i // 200, so
that relative links cross directories. Each page is ~20 KB of HTML (title,
nav, article paragraphs, footer) with ~20 <a href> links: nav links to
i + 1, 2i and 2i + 1 (so every page is reachable from /index.html), random
others from a fixed seed, written as absolute paths, same-directory and
../ relative paths, some with #fragments, plus two links to
http://example.invalid/ that a same-site crawler must not follow. The site
has no images, scripts or stylesheets to fetch: every URL a crawler
follows is one of the PAGES pages, so each tool should fetch exactly PAGES.
"""
import os
import random
import sys

WORDS = (
    "the of and to in is that for it as was with be by on not he this are or his from at which but "
    "have an they you were her she there one all we their can has been if more when will would who "
    "so no crawler request response engine scheduler download middleware pipeline spider item "
    "selector latency throughput memory connection socket buffer parser document archive harbour "
    "river mountain library village market garden winter summer morning evening history science "
    "language machine network protocol server client cache header cookie redirect timeout retry"
).split()
DIR_SIZE = 200
PARAS_PER_PAGE = 27  # ~700 bytes each: a ~20 KB page with the markup around them


def page_path(i):
    return "/index.html" if i == 0 else f"/d{i // DIR_SIZE:03d}/p{i}.html"


def href(src, dst, rng):
    """A link from page src to page dst in one of the forms real sites use."""
    path = page_path(dst)
    form = rng.random()
    if dst != 0 and src != 0 and form < 0.35:
        if dst // DIR_SIZE == src // DIR_SIZE:
            path = f"p{dst}.html" if form < 0.25 else f"./p{dst}.html"
        else:
            path = f"../d{dst // DIR_SIZE:03d}/p{dst}.html"
    if rng.random() < 0.2:
        path += f"#s{rng.randrange(1, 6)}"
    return path


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    pages = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rng = random.Random(4)
    # A pool of paragraphs picked per page: random words per page would take
    # Python far longer than the crawl itself.
    pool = []
    for _ in range(600):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(95, 125))]
        words[0] = words[0].capitalize()
        pool.append(" ".join(words) + ".")
    for d in range((pages - 1) // DIR_SIZE + 1):
        os.makedirs(os.path.join(root, f"d{d:03d}"), exist_ok=True)

    for i in range(pages):
        nav = [t for t in (0, i + 1, 2 * i, 2 * i + 1) if 0 <= t < pages and t != i]
        # Some neighbours in the same directory (relative links), the rest anywhere.
        base = i - i % DIR_SIZE
        others = [min(pages - 1, base + rng.randrange(DIR_SIZE)) for _ in range(4)]
        others += [rng.randrange(pages) for _ in range(12)]
        rng.shuffle(others)
        title = f"Page {i}: " + " ".join(rng.choice(WORDS) for _ in range(4))
        out = [
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            f"<title>{title}</title>\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}nav a{margin-right:1em}</style>\n",
            "</head>\n<body>\n<header><h1>", title, "</h1>\n<nav>",
        ]
        names = ("Home", "Next", "Left", "Right")
        for name, t in zip(names if i else names[1:], nav):
            out.append(f"<a href=\"{href(i, t, rng)}\">{name}</a>")
        out.append("</nav></header>\n<main><article>\n")
        externals = {rng.randrange(PARAS_PER_PAGE), rng.randrange(PARAS_PER_PAGE)}
        for p in range(PARAS_PER_PAGE):
            if p % 5 == 0:
                out.append(f"<h2 id=\"s{p // 5 + 1}\">Section {p // 5 + 1}</h2>\n")
            out.append("<p>")
            out.append(pool[rng.randrange(len(pool))])
            if p < len(others):
                t = others[p]
                out.append(f" See <a href=\"{href(i, t, rng)}\" class=\"ref\">page {t}</a>.")
            if p in externals:
                out.append(f" Elsewhere: <a href=\"http://example.invalid/ref/{i}/{p}\">a reference</a>.")
            out.append("</p>\n")
        out.append("</article></main>\n<footer><p>Generated for the trawl crawl benchmark. "
                   "<a href=\"/index.html\">Back to the start</a></p></footer>\n</body>\n</html>\n")
        with open(root + page_path(i), "w", encoding="utf-8") as f:
            f.write("".join(out))


if __name__ == "__main__":
    main()
