"""Scrapy's side of bench_export.sh: the same N items as export_bench.cpp,
exported with Scrapy's JsonLinesItemExporter (as FEEDS writes a .jsonl
file), or written to SQLite as a typical Scrapy pipeline does (the sqlite3
module, executemany in batches of 1000, one commit per batch, WAL). Items
are built inside the timed loop ("built", the default), or all of them
before it ("prebuilt"), as on the C++ side.

Prints one line: "<format> <items> <seconds> <items/s>".
Run with Debian's interpreter:
  /usr/bin/python3 scrapy_export_bench.py jsonl 1000000 out.jsonl [built|prebuilt]
"""
import json
import os
import sqlite3
import sys
import time

from scrapy.exporters import JsonLinesItemExporter


def make_item(n):
    return {
        "title": f"Product number {n}",
        "price": (n % 10000) / 100.0 + 0.99,
        "url": f"https://shop.example.com/products/{n}.html",
        "tags": [f"tag{n % 7}", "sale"],
    }


def item_source(prebuilt, count):
    """make_item, or item n of those built beforehand."""
    if not prebuilt:
        return make_item
    return [make_item(n) for n in range(count)].__getitem__


def export_jsonl(count, out, items):
    start = time.perf_counter()
    with open(out, "wb") as f:
        exporter = JsonLinesItemExporter(f)
        exporter.start_exporting()
        for n in range(count):
            exporter.export_item(items(n))
        exporter.finish_exporting()
    return time.perf_counter() - start


def export_sqlite(count, out, items, batch=1000):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
    start = time.perf_counter()
    db = sqlite3.connect(out)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE product (title TEXT, price REAL, url TEXT, tags TEXT)")
    rows = []
    for n in range(count):
        item = items(n)
        rows.append((item["title"], item["price"], item["url"], json.dumps(item["tags"])))
        if len(rows) == batch:
            db.executemany("INSERT INTO product VALUES (?, ?, ?, ?)", rows)
            db.commit()
            rows.clear()
    if rows:
        db.executemany("INSERT INTO product VALUES (?, ?, ?, ?)", rows)
        db.commit()
    db.close()
    return time.perf_counter() - start


def main():
    fmt, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    mode = sys.argv[4] if len(sys.argv) > 4 else "built"
    if mode not in ("built", "prebuilt"):
        sys.exit(f"unknown mode {mode}: built or prebuilt")
    items = item_source(mode == "prebuilt", count)
    seconds = {"jsonl": export_jsonl, "sqlite": export_sqlite}[fmt](count, out, items)
    print(f"{fmt} {count} {seconds:.4f} {count / seconds:.0f}")


if __name__ == "__main__":
    main()
