#!/usr/bin/python3
"""Writes the pages of the selector benchmark (bench_selectors.sh) into a
directory: the same bytes for trawl's selector_bench and parsel_bench.py.

  listing.html  ~100 KB, 120 products of a shop listing (title link, price,
                description, tags, rating, stock), plus page chrome: the
                extraction-heavy page
  links.html    ~20 KB of nothing but links, in the forms pages use
                (absolute, root-relative, relative, with ../ and fragments)

Deterministic: a fixed seed, no dates; rerunning gives the same files."""

import pathlib
import random
import sys

WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
         "dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea "
         "commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur").split()
TAGS = ("books", "garden", "kitchen", "toys", "audio", "sale", "new", "eco", "gift", "outdoor", "office", "kids")


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def listing(rng, items=120):
    out = ['<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Products &amp; offers - page 3'
           '</title>\n<link rel="stylesheet" href="/static/site.css"><script>var cart = [];</script></head>\n'
           '<body class="listing">\n<header><nav><ul class="menu">']
    out += [f'<li><a href="/c/{t}">{t.title()}</a></li>' for t in TAGS]
    out.append('</ul></nav></header>\n<main id="content"><h1>Products</h1>\n<div class="products">\n')
    for i in range(items):
        price = f"{rng.randint(1, 499)}.{rng.randint(0, 99):02d}"
        tags = "".join(f'<li><a class="tag" href="/tag/{t}">{t}</a></li>' for t in rng.sample(TAGS, 3))
        stock = "in-stock" if i % 3 else "out-of-stock"
        out.append(
            f'<div class="product card {stock}" data-id="{1000 + i}">\n'
            f'  <a class="thumb" href="/p/{1000 + i}"><img src="/img/{1000 + i}.jpg" alt="" width="120"></a>\n'
            f'  <h3 class="title"><a href="/p/{1000 + i}?ref=list" title="{sentence(rng, 3)}">'
            f'{sentence(rng, 4)}</a></h3>\n'
            f'  <div class="rating" data-stars="{rng.randint(1, 5)}"><span>&#9733;</span></div>\n'
            f'  <p class="price"><span class="currency">&euro;</span><span class="amount">{price}</span></p>\n'
            f'  <p class="description">{sentence(rng, 25)} <em>{sentence(rng, 3)}</em></p>\n'
            f'  <ul class="tags">{tags}</ul>\n'
            f'  <form action="/cart" method="post"><input type="hidden" name="id" value="{1000 + i}">'
            f'<button class="add">Add to cart</button></form>\n'
            '</div>\n')
    out.append('</div>\n<nav class="pager"><a href="?page=2" rel="prev">Previous</a> '
               '<a href="?page=4" rel="next">Next</a></nav></main>\n<footer><p>&copy; shop</p></footer>\n'
               '</body></html>\n')
    return "".join(out)


def links(target=20 * 1024):
    out = ['<!DOCTYPE html>\n<html><head><title>Links</title></head><body><ul>\n']
    size = len(out[0])
    i = 0
    while size < target - 30:
        n = str(i)
        form = ("/item/" + n, "item/" + n + "?ref=list", "../item/" + n + "#top",
                "http://127.0.0.1:8080/item/" + n)[i % 4]
        line = f'<li><a href="{form}">Item {n}</a></li>\n'
        out.append(line)
        size += len(line)
        i += 1
    out.append("</ul></body></html>\n")
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_selector_pages.py OUT_DIR")
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    (out / "listing.html").write_text(listing(random.Random(20240501)), encoding="utf-8")
    (out / "links.html").write_text(links(), encoding="utf-8")


if __name__ == "__main__":
    main()
