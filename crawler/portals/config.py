"""The operator's portals file: portals added without writing code (``arsip add-portal``).

A TOML file, by default ``$XDG_CONFIG_HOME/arsip/portals.toml`` (``~/.config/arsip/
portals.toml``); the ``ARSIP_PORTALS_FILE`` environment variable names another. One
table per portal; only ``home`` is required::

    [portals.kabarserang]
    home = "https://www.kabarserang.id/"
    # optional: family = "wordpress" (default "generic"), site_name, domains,
    # article_url, listing_url, sitemaps, feeds, listings, foreign_hosts, timezone,
    # enabled, crawl_delay, concurrency

A ``generic`` portal finds its articles through every usual sitemap and feed place
(``crawler.portals.base.generic``); a known ``family`` gets that family's base.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.portals import Portal

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
"""Portal names: lower-case letters, digits and ``_`` (they are spider names too)."""
LIST_FIELDS = ("domains", "sitemaps", "feeds", "listings", "foreign_hosts")
TEXT_FIELDS = ("site_name", "article_url", "listing_url", "timezone", "family")


class PortalsFileError(ValueError):
    """The portals file or an entry in it cannot be used (the message says why)."""


def portals_file() -> Path:
    """Where the operator's portals are kept (see the module docstring)."""
    if os.environ.get("ARSIP_PORTALS_FILE"):
        return Path(os.environ["ARSIP_PORTALS_FILE"]).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "arsip" / "portals.toml"


def portal_from_entry(name: str, entry: dict[str, Any]) -> Portal:
    """One ``[portals.<name>]`` table -> a Portal on its family's base."""
    from crawler.portals.base import FAMILY_BASES

    if not NAME.match(name):
        raise PortalsFileError(f"portal name {name!r}: use lower-case letters, digits and _")
    home = entry.get("home")
    if not isinstance(home, str) or not valid_home(home):
        raise PortalsFileError(f"portal {name}: 'home' must be an http(s) URL, not {home!r}")
    family = entry.get("family", "generic")
    if family not in FAMILY_BASES:
        known = ", ".join(FAMILY_BASES)
        raise PortalsFileError(f"portal {name}: unknown family {family!r} (known: {known})")
    fields: dict[str, Any] = {}
    for key, value in entry.items():
        if key in ("home", "family"):
            continue
        if key in LIST_FIELDS:
            fields[key] = tuple(value)
        elif key in TEXT_FIELDS or key in ("enabled", "crawl_delay", "concurrency"):
            fields[key] = value
        else:
            raise PortalsFileError(f"portal {name}: unknown setting {key!r}")
    site_name = fields.pop("site_name", None) or (urlsplit(home).hostname or "").removeprefix(
        "www."
    )
    try:
        return FAMILY_BASES[family](name, home, site_name, **fields)
    except TypeError as error:
        raise PortalsFileError(f"portal {name}: {error}") from None


def load_portals_file(path: Path | None = None) -> list[Portal]:
    """The portals of the file (none when it does not exist). A file that cannot be
    read, or a bad entry, is reported on stderr and left out: the shipped portals
    still crawl."""
    path = path or portals_file()
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        print(f"arsip: portals file {path} left out: {error}", file=sys.stderr)
        return []
    portals = []
    for name, entry in (data.get("portals") or {}).items():
        try:
            portals.append(portal_from_entry(name, entry if isinstance(entry, dict) else {}))
        except PortalsFileError as error:
            print(f"arsip: {path}: {error}; left out", file=sys.stderr)
    return portals


def valid_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def name_for(url: str) -> str:
    """A portal name from a home URL: ``https://www.kabar-serang.id/`` -> ``kabar_serang``."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    label = host.split(".")[0] if host else ""
    name = re.sub(r"[^a-z0-9]+", "_", label).strip("_")
    return name if name[:1].isalpha() else f"p_{name}"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_text(name: str, home: str, family: str = "generic") -> str:
    """The TOML table ``add-portal`` appends."""
    lines = [f"[portals.{name}]", f"home = {_toml_string(home)}"]
    if family != "generic":
        lines.append(f"family = {_toml_string(family)}")
    return "\n".join(lines) + "\n"


def declaration_text(name: str, home: str, family: str = "generic") -> str:
    """The same portal as a module of ``crawler/portals/`` (to contribute it to arsip)."""
    from crawler.portals.base import FAMILY_BASES

    helper = FAMILY_BASES[family].__name__
    site = (urlsplit(home).hostname or "").removeprefix("www.")
    return (
        f'"""{site}: added with arsip add-portal; found through its sitemaps and feeds."""\n\n'
        f"from crawler.portals.base import {helper}\n\n"
        f'PORTAL = {helper}("{name}", "{home}", "{site}")\n'
    )


def add_portal(
    home: str, name: str | None = None, family: str = "generic", path: Path | None = None
) -> tuple[str, Path]:
    """Append a portal to the portals file (created with its directory when missing);
    returns (name, file). Raises ``PortalsFileError`` for a bad URL, name or family,
    or a name already taken."""
    from crawler.portals import all_portals
    from crawler.portals.base import FAMILY_BASES

    if not valid_home(home):
        raise PortalsFileError(f"{home!r} is not an http(s) URL of a site's home page")
    if urlsplit(home).path in ("", None):
        home += "/"
    name = name or name_for(home)
    if not NAME.match(name):
        raise PortalsFileError(f"portal name {name!r}: use lower-case letters, digits and _")
    if family not in FAMILY_BASES:
        raise PortalsFileError(f"unknown family {family!r} (known: {', '.join(FAMILY_BASES)})")
    if name in all_portals():
        raise PortalsFileError(f"a portal named {name} exists already (choose one with --name)")
    path = path or portals_file()
    owner = next((p for p in all_portals().values() if p.owns(home)), None)
    if owner is not None:
        raise PortalsFileError(f"{home} belongs to the declared portal {owner.name} already")
    portal_from_entry(name, {"home": home, "family": family})  # checks before writing
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    separator = (
        ""
        if not existing or existing.endswith("\n\n")
        else "\n"
        if existing.endswith("\n")
        else "\n\n"
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write(separator + entry_text(name, home, family))
    return name, path
