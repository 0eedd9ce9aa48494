"""Portals as data.

A portal is declared in one small module of this package, ``crawler/portals/<name>.py``,
holding one ``PORTAL = Portal(...)``. The shared crawling and extraction code reads only
these declarations; nothing else in arsip knows a portal by name.

Portals declared outside arsip (private ones, or test portals) are added by naming their
modules in the ``ARSIP_PORTALS_MODULE`` environment variable (comma-separated importable
module names); each module holds a ``PORTAL`` or a ``PORTALS`` list. Portals added with
``arsip add-portal`` live in the operator's portals file (``crawler.portals.config``).

Declarations are built on one base per markup family (``crawler.portals.base``).

A declaration is the whole portal: its Scrapy spider is built from it
(``crawler.spiders.loader``), and its offline mirror site, when it has sample pages
(``crawler/mirror/sites/<name>/``), takes its host names and site name from it.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for what structured data does not give. Each is optional; a
    missing or failing selector falls back to the generic path."""

    title: str | None = None
    body: str | None = None
    """The element holding the article text; its block children become paragraphs."""
    date: str | None = None
    """An element whose text is the page's date line (``Senin, 15 September 2025 | 14:32``)."""
    authors: str | None = None
    editor: str | None = None
    section: str | None = None
    tags: str | None = None


@dataclass(frozen=True)
class Cleaning:
    """What a portal prints inside its article text that arsip's general cleaning
    rules (``crawler.extract.clean``) cannot know: declared only where the form is the
    portal's own."""

    lead_outlets: tuple[str, ...] = ()
    """Names the portal prints as the lead's outlet, misspellings included (kabar6's
    ``Kaba6-``): taken off the first paragraph like ``Kabar6-``."""
    drop_lines: tuple[str, ...] = ()
    """Regular expressions (case-insensitive, searched) of whole lines that are the
    portal's page furniture (``^Tangerang News$``); ``arsip clean`` names them ``portal``."""


@dataclass(frozen=True)
class Portal:
    name: str
    """Short name, also the spider's name and module name (``tangselpos``)."""
    home: str
    """Home page URL on the real site."""
    domains: tuple[str, ...]
    """Host names that belong to the portal (``www.`` and bare forms both)."""
    site_name: str
    """How the portal names itself in titles (``TangselPos.id``): stripped from titles."""
    article_url: str
    """Regular expression searched in an URL's path that marks an article page."""
    listing_url: str | None = None
    """Regular expression (path + query) of listing pages worth following (sections, paging)."""
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    """Listing pages to start from (home page, sections)."""
    timezone: str = "Asia/Jakarta"
    """IANA zone for times printed without a zone."""
    selectors: Selectors = field(default_factory=Selectors)
    remove: tuple[str, ...] = ()
    """CSS selectors of elements inside the body to drop before reading its text."""
    enabled: bool = True
    """False: ``arsip crawl`` without portal names skips it (it can still be named)."""
    crawl_delay: float | None = None
    """Seconds between requests to this portal, when it asks for more than the default
    (``DOWNLOAD_DELAY``, 1 s); a command-line setting still wins."""
    concurrency: int | None = None
    """Parallel requests to this portal's host (``CONCURRENT_REQUESTS_PER_DOMAIN``)."""
    family: str = "custom"
    """The markup family the declaration is built on (``wordpress``,
    ``wordpress-newspaper``, ``wordpress-jnews``, ``tribun``, ``pikiran-rakyat``,
    ``generic``, ``custom``): shown by ``arsip portals``; extraction itself picks a family
    by the page's markup, never by this name."""
    feeds: tuple[str, ...] = ()
    """RSS or Atom feeds to start from: their item links are read with ``article_url``."""
    robots_sitemaps: bool = False
    """Also read the ``Sitemap:`` lines of the portal's robots.txt (portals declared with
    only a home page, whose sitemaps nobody has looked up)."""
    foreign_hosts: tuple[str, ...] = ()
    """Hosts under ``domains`` that are not the portal (a video subsite such as
    ``tv.radarbanten.co.id``): neither they nor their own subdomains are owned."""
    cleaning: Cleaning = field(default_factory=Cleaning)
    """The portal's own cleaning rules (lead outlets, furniture lines)."""

    def owns(self, url: str) -> bool:
        return self.owns_host(_host(url))

    def owns_host(self, host: str) -> bool:
        """Whether the portal owns ``host`` (lower case, as ``urlsplit`` gives it)."""
        if any(host == f or host.endswith("." + f) for f in self.foreign_hosts):
            return False
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article(self, url: str) -> bool:
        return self.owns(url) and re.search(self.article_url, urlsplit(url).path) is not None

    def is_listing(self, url: str) -> bool:
        if not self.listing_url or not self.owns(url):
            return False
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return re.search(self.listing_url, target) is not None

    def classify(self, url: str) -> UrlKind:
        """What ``url`` is to this portal, and the rule that decided: a declared
        sitemap or feed, a child sitemap (a ``sitemap*.xml`` file of the portal), an
        article (``article_url``, with the name of the alternative that matched when
        the rule names its alternatives: ``(?P<dated>...)|(?P<undated>...)``), a listing
        (``listing_url``), or ``other``; ``not_owned`` when the portal does not own the
        URL's host. The spider reads article and listing links in that order."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not self.owns(url):
            foreign = next(
                (f for f in self.foreign_hosts if host == f or host.endswith("." + f)), None
            )
            if foreign:
                return UrlKind("not_owned", f"foreign_hosts: {foreign} is not {self.name}")
            domains = ", ".join(self.domains)
            return UrlKind("not_owned", f"domains: {host or '(no host)'} is not under {domains}")
        for kind, declared in (("sitemap", self.sitemaps), ("feed", self.feeds)):
            same = next((d for d in declared if _same_place(d, url)), None)
            if same:
                return UrlKind(kind, f"{kind}s: declared {same}")
        if _SITEMAP_FILE.search(parts.path):
            return UrlKind("sitemap", f"sitemap file name ({_SITEMAP_FILE.pattern})")
        found = re.search(self.article_url, parts.path)
        if found:
            named = [name for name, text in found.groupdict().items() if text is not None]
            label = f" ({named[0]})" if named else ""
            return UrlKind("article", f"article_url{label}: {self.article_url}")
        if self.is_listing(url):
            return UrlKind("listing", f"listing_url: {self.listing_url}")
        listing = f" nor listing_url {self.listing_url}" if self.listing_url else ""
        return UrlKind("other", f"matches neither article_url {self.article_url}{listing}")


@dataclass(frozen=True)
class UrlKind:
    """What a URL is to a portal (``Portal.classify``)."""

    kind: str
    """``article``, ``listing``, ``sitemap``, ``feed``, ``other``, or ``not_owned``."""
    rule: str
    """The rule that decided, as declared (``article_url (dated): ^/...``)."""


_SITEMAP_FILE = re.compile(r"/[^/]*sitemap[^/]*\.xml(?:\.gz)?$", re.I)
"""A sitemap file (``/post-sitemap2.xml``, ``/sitemap_news.xml``, ``.xml.gz``): a child
of a declared sitemap index."""


def _same_place(declared: str, url: str) -> bool:
    """Whether ``url`` is the declared sitemap or feed ``declared``, whatever its scheme,
    ``www.`` and trailing slash."""
    a, b = urlsplit(declared), urlsplit(url)
    hosts = [(p.hostname or "").lower().removeprefix("www.") for p in (a, b)]
    return (
        hosts[0] == hosts[1]
        and (a.path.rstrip("/") or "/") == (b.path.rstrip("/") or "/")
        and a.query == b.query
    )


@dataclass(frozen=True)
class Explanation:
    """Which declared portal owns a URL, what the URL is to it and the rule that
    decided (``explain_url``; ``arsip explain``)."""

    url: str
    portal: str | None
    kind: str
    rule: str


@cache
def all_portals() -> dict[str, Portal]:
    """Every declared portal by name, in name order."""
    found: dict[str, Portal] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        portal = getattr(module, "PORTAL", None)
        if isinstance(portal, Portal):
            found[portal.name] = portal
    for name in filter(None, (os.environ.get("ARSIP_PORTALS_MODULE") or "").split(",")):
        module = importlib.import_module(name.strip())
        declared = [getattr(module, "PORTAL", None), *getattr(module, "PORTALS", ())]
        for portal in declared:
            if isinstance(portal, Portal):
                found[portal.name] = portal
    from crawler.portals.config import load_portals_file, portals_file

    for portal in load_portals_file():
        if portal.name in found:
            print(
                f"arsip: {portals_file()}: portal {portal.name} is declared already; left out",
                file=sys.stderr,
            )
            continue
        found[portal.name] = portal
    return dict(sorted(found.items()))


def enabled_portals() -> list[str]:
    """Names of the portals a crawl without names covers (and ``arsip health`` expects
    runs of): those declared ``enabled``, or, when the ``ARSIP_PORTALS`` environment
    variable names some (comma-separated), exactly those that are declared: an
    installation that archives only part of the region says so there."""
    chosen = [n.strip() for n in (os.environ.get("ARSIP_PORTALS") or "").split(",") if n.strip()]
    if chosen:
        return [name for name in all_portals() if name in chosen]
    return [name for name, portal in all_portals().items() if portal.enabled]


def get_portal(name: str) -> Portal:
    try:
        return all_portals()[name]
    except KeyError:
        known = ", ".join(all_portals())
        raise KeyError(f"unknown portal {name!r} (known: {known})") from None


def portal_for_url(url: str) -> Portal | None:
    """The declared portal whose domains hold the URL's host, or None."""
    # Remembered by host: an import asks this twice a line, and splitting the URL and
    # walking the domains once per declared portal took a tenth of its reading of a line.
    global _OWNERS
    portals = all_portals()
    if _OWNERS[0] is not portals or len(_OWNERS[1]) >= _OWNERS_KEPT:
        _OWNERS = (portals, {})
    owners = _OWNERS[1]
    host = _host(url)
    if host not in owners:
        owners[host] = next((p for p in portals.values() if p.owns_host(host)), None)
    return owners[host]


_OWNERS: tuple[dict[str, Portal] | None, dict[str, Portal | None]] = (None, {})
"""``portal_for_url``'s answers by host, for the ``all_portals()`` they were found in."""
_OWNERS_KEPT = 10_000


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def explain_url(url: str, portals: dict[str, Portal] | None = None) -> Explanation:
    """The portal of ``portals`` (every declared one by default) that owns ``url``, the
    URL's kind to it and the rule that decided; a URL no portal owns is ``other``, its
    rule naming the portal that declares its host foreign or, when none does, saying
    that no portal's domains hold it."""
    portals = all_portals() if portals is None else portals
    refusals = []
    for portal in portals.values():
        found = portal.classify(url)
        if found.kind != "not_owned":
            return Explanation(url, portal.name, found.kind, found.rule)
        if found.rule.startswith("foreign_hosts:"):
            refusals.append(f"{portal.name} {found.rule}")
    host = (urlsplit(url).hostname or "").lower()
    if refusals:
        return Explanation(url, None, "other", "; ".join(refusals))
    if not host:
        return Explanation(url, None, "other", "not an http(s) URL with a host")
    return Explanation(url, None, "other", f"no declared portal's domains hold {host}")
