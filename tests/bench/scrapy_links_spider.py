"""Scrapy's side of the crawl benchmark (bench_crawl.sh): the same work as
trawl's built-in `links` spider. Follows every same-site <a href> from
start_url and yields url, status, title, depth and referer per page.

    /usr/bin/scrapy runspider scrapy_links_spider.py -a start_url=URL \
        -a stats_file=FILE -O items.jsonl

The final stats go to stats_file as JSON (values that JSON has no type for,
such as the start and finish times, as strings).
"""
import json
from urllib.parse import urlsplit

import scrapy
from scrapy import signals


class LinksSpider(scrapy.Spider):
    name = "links"
    custom_settings = {
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "LOG_LEVEL": "INFO",
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        # The non-deprecated fingerprinter, as a new project's settings have it.
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

    def __init__(self, start_url=None, stats_file=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not start_url:
            raise ValueError("the links spider needs a start URL: -a start_url=URL")
        self.start_urls = [start_url]
        # The offsite middleware keeps the crawl on the start URL's host.
        self.allowed_domains = [urlsplit(start_url).hostname]
        self.stats_file = stats_file

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.write_stats, signal=signals.spider_closed)
        return spider

    def start_requests(self):
        # Through the dupefilter, unlike Scrapy's default start requests, so
        # that the links back to the start page do not fetch it again (trawl's
        # links spider dedupes them too).
        for url in self.start_urls:
            yield scrapy.Request(url, dont_filter=False)

    def parse(self, response):
        referer = response.request.headers.get("Referer")
        html = isinstance(response, scrapy.http.HtmlResponse)
        yield {
            "url": response.url,
            "status": response.status,
            "title": response.css("title::text").get(default="") if html else "",
            "depth": response.meta.get("depth", 0),
            "referer": referer.decode("latin-1") if referer else None,
        }
        if html:
            yield from response.follow_all(css="a::attr(href)", callback=self.parse)

    def write_stats(self, spider, reason):
        if self.stats_file:
            stats = dict(self.crawler.stats.get_stats())
            stats["finish_reason"] = reason
            with open(self.stats_file, "w", encoding="utf-8") as f:
                json.dump(stats, f, default=str, indent=1, sort_keys=True)
