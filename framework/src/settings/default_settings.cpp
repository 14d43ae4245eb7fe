// trawl's built-in settings: upstream Scrapy's names and default values
// (scrapy/settings/default_settings.py, Scrapy 2.8), plus trawl's own.
//
// The table is YAML so that it reads like the settings.yaml a user writes
// and goes through the same loader; a test loads it and compares a sample
// with Scrapy's file. Keep Scrapy's grouping and alphabetical order.
//
// Deliberate differences from Scrapy:
// - Component dicts (*_BASE) and class settings use trawl's short built-in
//   names instead of Python class paths: DUPEFILTER_CLASS, SCHEDULER and
//   STATS_CLASS are "memory"; HTTPCACHE_STORAGE is "sqlite", HTTPCACHE_POLICY
//   "dummy"; SCHEDULER_{MEMORY,DISK}_QUEUE are "lifo" (Scrapy's LIFO queues).
// - DOWNLOADER_MIDDLEWARES_BASE has offsite at 50 (as in newer Scrapy, where
//   the offsite filter moved to the downloader); SPIDER_MIDDLEWARES_BASE
//   therefore has no offsite entry.
// - DOWNLOAD_HANDLERS_BASE has data, file, http and https only (no s3, ftp);
//   http and https share the "http" handler, as they share Scrapy's class.
//   FEED_STORAGES_BASE and FEED_EXPORTERS_BASE likewise drop ftp/gs/s3 and
//   marshal/pickle; EXTENSIONS_BASE drops the telnet console and memdebug.
// - BOT_NAME is "trawlbot", USER_AGENT names trawl.
// - REQUEST_FINGERPRINTER_IMPLEMENTATION is "2.7": the only algorithm trawl
//   has (Scrapy 2.8 still defaults to the deprecated "2.6").
// - LOG_FORMAT and LOG_DATEFORMAT keep Scrapy's Python logging / strftime
//   forms, so that a Scrapy user's values carry over; the logger translates.
// - TEMPLATES_DIR is "" (the templates compiled into trawl).
// - Left out as Python- or Twisted-only, or for features trawl lacks:
//   ASYNCIO_EVENT_LOOP, TWISTED_REACTOR, REACTOR_THREADPOOL_MAXSIZE,
//   COMMANDS_MODULE, DEFAULT_ITEM_CLASS, DNS_RESOLVER, DOWNLOADER,
//   DOWNLOADER_HTTPCLIENTFACTORY, DOWNLOADER_CLIENTCONTEXTFACTORY, EDITOR,
//   FEED_URI_PARAMS, FEED_STORAGE_*, FILES_STORE_*, IMAGES_STORE_*, FTP_*,
//   GCS_PROJECT_ID, HTTPCACHE_DBM_MODULE, ITEM_PROCESSOR, LOG_FORMATTER,
//   LOG_STDOUT, MAIL_*, MEMDEBUG_*, MEMUSAGE_NOTIFY_MAIL, NEWSPIDER_MODULE,
//   REQUEST_FINGERPRINTER_CLASS, ROBOTSTXT_PARSER, SCHEDULER_PRIORITY_QUEUE,
//   SPIDER_CONTRACTS*, SPIDER_LOADER_*, SPIDER_MODULES, STATSMAILER_RCPTS,
//   TELNETCONSOLE_*.
// - Added: settings Scrapy documents but reads with inline defaults
//   (DUPEFILTER_DEBUG, HTTPERROR_*, JOBDIR, the files and images pipelines'
//   FILES_* and IMAGES_* and MEDIA_ALLOW_REDIRECTS), DOWNLOAD_SLOTS (Scrapy 2.9),
//   and trawl's own knobs at the end (TLS verification is on by default;
//   Scrapy does not verify certificates).

#include "settings/default_settings.hpp"

#include <string_view>

namespace trawl::detail {

namespace {

constexpr std::string_view defaults_yaml = R"yaml(
AJAXCRAWL_ENABLED: false

AUTOTHROTTLE_ENABLED: false
AUTOTHROTTLE_DEBUG: false
AUTOTHROTTLE_MAX_DELAY: 60.0
AUTOTHROTTLE_START_DELAY: 5.0
AUTOTHROTTLE_TARGET_CONCURRENCY: 1.0

BOT_NAME: "trawlbot"

CLOSESPIDER_TIMEOUT: 0
CLOSESPIDER_PAGECOUNT: 0
CLOSESPIDER_ITEMCOUNT: 0
CLOSESPIDER_ERRORCOUNT: 0

COMPRESSION_ENABLED: true

CONCURRENT_ITEMS: 100

CONCURRENT_REQUESTS: 16
CONCURRENT_REQUESTS_PER_DOMAIN: 8
CONCURRENT_REQUESTS_PER_IP: 0

COOKIES_ENABLED: true
COOKIES_DEBUG: false
COOKIES_ENFORCE_SAMESITE: true

CRAWLSPIDER_FOLLOW_LINKS: true

DEFAULT_REQUEST_HEADERS:
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
  Accept-Language: "en"

DEPTH_LIMIT: 0
DEPTH_STATS_VERBOSE: false
DEPTH_PRIORITY: 0

DNSCACHE_ENABLED: true
DNSCACHE_SIZE: 10000
DNS_TIMEOUT: 60

DOWNLOAD_DELAY: 0

DOWNLOAD_HANDLERS: {}
DOWNLOAD_HANDLERS_BASE:
  data: "data"
  file: "file"
  http: "http"
  https: "http"

DOWNLOAD_TIMEOUT: 180

DOWNLOAD_MAXSIZE: 1073741824
DOWNLOAD_WARNSIZE: 33554432

DOWNLOAD_FAIL_ON_DATALOSS: true

DOWNLOAD_SLOTS: {}

DOWNLOADER_CLIENT_TLS_CIPHERS: "DEFAULT"
DOWNLOADER_CLIENT_TLS_METHOD: "TLS"
DOWNLOADER_CLIENT_TLS_VERBOSE_LOGGING: false

DOWNLOADER_MIDDLEWARES: {}
DOWNLOADER_MIDDLEWARES_BASE:
  # Engine side
  offsite: 50
  robotstxt: 100
  httpauth: 300
  downloadtimeout: 350
  defaultheaders: 400
  useragent: 500
  retry: 550
  ajaxcrawl: 560
  metarefresh: 580
  httpcompression: 590
  redirect: 600
  cookies: 700
  proxypool: 740
  httpproxy: 750
  downloaderstats: 850
  httpcache: 900
  autothrottle: 950                 # trawl: Scrapy's AutoThrottle extension, here a middleware
  adaptiveconcurrency: 960          # trawl: per-host AIMD concurrency (middlewares/downloader/adaptive_concurrency.hpp)
  # Downloader side

DOWNLOADER_STATS: true

DUPEFILTER_CLASS: "memory"
DUPEFILTER_DEBUG: false

EXTENSIONS: {}
EXTENSIONS_BASE:
  corestats: 0
  memusage: 0
  closespider: 0
  feedexport: 0
  logstats: 0
  spiderstate: 0

FEED_TEMPDIR: null
FEEDS: {}
FEED_STORE_EMPTY: false
FEED_EXPORT_ENCODING: null
FEED_EXPORT_FIELDS: null
FEED_STORAGES: {}
FEED_STORAGES_BASE:
  "": "file"
  file: "file"
  stdout: "stdout"
FEED_EXPORT_BATCH_ITEM_COUNT: 0
FEED_EXPORTERS: {}
FEED_EXPORTERS_BASE:
  json: "json"
  jsonlines: "jsonlines"
  jsonl: "jsonlines"
  jl: "jsonlines"
  csv: "csv"
  xml: "xml"
FEED_EXPORT_INDENT: 0

FILES_STORE: null
FILES_EXPIRES: 90
FILES_URLS_FIELD: "file_urls"
FILES_RESULT_FIELD: "files"

HTTPCACHE_ENABLED: false
HTTPCACHE_DIR: "httpcache"
HTTPCACHE_IGNORE_MISSING: false
HTTPCACHE_STORAGE: "sqlite"
HTTPCACHE_EXPIRATION_SECS: 0
HTTPCACHE_ALWAYS_STORE: false
HTTPCACHE_IGNORE_HTTP_CODES: []
HTTPCACHE_IGNORE_SCHEMES: ["file"]
HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS: []
HTTPCACHE_POLICY: "dummy"
HTTPCACHE_GZIP: false

HTTPERROR_ALLOWED_CODES: []
HTTPERROR_ALLOW_ALL: false

HTTPPROXY_ENABLED: true
HTTPPROXY_AUTH_ENCODING: "latin-1"

IMAGES_STORE: null
IMAGES_EXPIRES: 90
IMAGES_URLS_FIELD: "image_urls"
IMAGES_RESULT_FIELD: "images"
IMAGES_MIN_WIDTH: 0
IMAGES_MIN_HEIGHT: 0
IMAGES_THUMBS: {}

ITEM_PIPELINES: {}
ITEM_PIPELINES_BASE: {}

JOBDIR: null

LOG_ENABLED: true
LOG_ENCODING: "utf-8"
LOG_FORMAT: "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
LOG_DATEFORMAT: "%Y-%m-%d %H:%M:%S"
LOG_LEVEL: "DEBUG"
LOG_FILE: null
LOG_FILE_APPEND: true
LOG_SHORT_NAMES: false

SCHEDULER_DEBUG: false

LOGSTATS_INTERVAL: 60.0

MEDIA_ALLOW_REDIRECTS: false

MEMUSAGE_CHECK_INTERVAL_SECONDS: 60.0
MEMUSAGE_ENABLED: true
MEMUSAGE_LIMIT_MB: 0
MEMUSAGE_WARNING_MB: 0

METAREFRESH_ENABLED: true
METAREFRESH_IGNORE_TAGS: []
METAREFRESH_MAXDELAY: 100

RANDOMIZE_DOWNLOAD_DELAY: true

REDIRECT_ENABLED: true
REDIRECT_MAX_TIMES: 20
REDIRECT_PRIORITY_ADJUST: 2

REFERER_ENABLED: true
REFERRER_POLICY: "scrapy-default"

REQUEST_FINGERPRINTER_IMPLEMENTATION: "2.7"

RETRY_ENABLED: true
RETRY_TIMES: 2
RETRY_HTTP_CODES: [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_PRIORITY_ADJUST: -1

ROBOTSTXT_OBEY: false
ROBOTSTXT_USER_AGENT: null

SCHEDULER: "memory"
SCHEDULER_DISK_QUEUE: "lifo"
SCHEDULER_MEMORY_QUEUE: "lifo"

SCRAPER_SLOT_MAX_ACTIVE_SIZE: 5000000

SPIDER_MIDDLEWARES: {}
SPIDER_MIDDLEWARES_BASE:
  # Engine side
  httperror: 50
  referer: 700
  urllength: 800
  depth: 900
  # Spider side

STATS_CLASS: "memory"
STATS_DUMP: true

TEMPLATES_DIR: ""

URLLENGTH_LIMIT: 2083

USER_AGENT: "trawl/0.1 (+https://github.com/trawl)"

# trawl's own settings.
DOWNLOAD_CONNECT_TIMEOUT: 30        # seconds: TCP connect plus TLS handshake
DOWNLOAD_READ_TIMEOUT: 60           # seconds with no byte received
DOWNLOAD_TLS_VERIFY: true           # verify certificates (Scrapy does not)
DOWNLOAD_TLS_CA_FILE: ""            # an extra PEM CA bundle to trust
DOWNLOAD_MAX_HEADER_SIZE: 131072    # bytes of response head
DOWNLOAD_POOL_MAX_PER_HOST: 0       # 0 = CONCURRENT_REQUESTS_PER_DOMAIN
DOWNLOAD_POOL_MAX_TOTAL: 0          # 0 = derived from the open-file limit
DOWNLOAD_POOL_IDLE_TIMEOUT: 60      # seconds an idle keep-alive connection is kept
DNS_SERVERS: []                     # "ip[:port]" each; empty = the system's
DNS_USE_HOSTS_FILE: true
PARSE_THREADS: 0                    # 0 = cores - 1, at least 1
LOOP_LAG_INTERVAL: 0.01             # seconds between loop-lag probes
ROBOTSTXT_RETRY_INTERVAL: 60        # seconds before a robots.txt that failed (5xx, network) is fetched again
ROBOTSTXT_CRAWL_DELAY: true         # obey robots.txt Crawl-delay (as a floor under the slot's delay)
ROBOTSTXT_REQUEST_RATE: true        # obey robots.txt Request-rate (n/period: period/n s as that floor, all day)
ROBOTSTXT_MAX_CRAWL_DELAY: 60       # seconds: the largest Crawl-delay (or Request-rate interval) obeyed; longer ones are cut to it
PROXY_POOL: []                      # proxy URLs to rotate through (the proxypool middleware; empty = off)
PROXY_POOL_FILE: ""                 # a file of proxy URLs, one a line, # comments
PROXY_POOL_BAN_CODES: [403, 407, 429]   # statuses that bench the proxy that got them
PROXY_POOL_BAN_MARKERS: []          # body substrings that bench the proxy ("captcha", "Access denied")
PROXY_POOL_BENCH_SECS: 60           # seconds a banned or failing proxy rests
PROXY_POOL_MAX_WAIT_SECS: 300       # seconds requests wait with every proxy benched before the crawl ends
PROXY_POOL_MAX_RETRIES: 5           # times a request is retried through another proxy
ADAPTIVE_CONCURRENCY_ENABLED: true  # per-host AIMD: halve on 429/503 or a latency spike, +1 after good responses
ADAPTIVE_CONCURRENCY_MIN: 1
ADAPTIVE_CONCURRENCY_MAX: 0         # 0 = the slot's configured concurrency (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_SLOTS)
ADAPTIVE_CONCURRENCY_HTTP_CODES: [429, 503]
ADAPTIVE_CONCURRENCY_LATENCY_FACTOR: 3.0  # a spike: latency over this times the host's usual; 0 = off
ADAPTIVE_CONCURRENCY_LATENCY_MIN: 0.5     # seconds: shorter latencies are never spikes
ADAPTIVE_CONCURRENCY_RECOVERY_RESPONSES: 10  # good responses in a row per place given back
ADAPTIVE_CONCURRENCY_MAX_RETRY_AFTER: 60  # seconds: the longest Retry-After that holds a slot; 0 = ignore it
HTTPAUTH_USER: ""                   # basic auth (httpauth); the spider argument http_user wins
HTTPAUTH_PASS: ""                   # the spider argument http_pass wins
HTTPAUTH_DOMAIN: null               # null = the first request's host, "" = every host; argument http_auth_domain wins
ITEM_SCHEMA: null                   # the validate pipeline: a YAML file or an inline mapping of kinds
DEDUP_FIELDS: null                  # the dedup pipeline: [fields] for every kind, or {kind: [fields]}
SQLITE_PATH: "items.sqlite"         # the sqlite pipeline; %(name)s = the spider's name
SQLITE_KEY: null                    # [fields] or {kind: [fields]}: a unique index, and upserts
SQLITE_BATCH_SIZE: 1000             # items per transaction...
SQLITE_FLUSH_SECS: 1.0              # ...or seconds, whichever comes first
)yaml";

} // namespace

std::string_view default_settings_yaml() {
    return defaults_yaml;
}

} // namespace trawl::detail
