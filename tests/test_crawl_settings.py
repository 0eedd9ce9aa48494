"""The settings of the crawls arsip starts: Scrapy components that are off are left out
of its defaults, so that a crawl never imports them."""

from __future__ import annotations

from scrapy.settings import Settings

from arsip.crawl import _without_off_components, crawl_settings

COOKIES = "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"
TELNET = "scrapy.extensions.telnet.TelnetConsole"
REMOTE = "scrapy.extensions.remote_control.RemoteControl"


def test_components_that_are_off_are_left_out_and_the_others_kept(tmp_path):
    settings = crawl_settings(tmp_path / "a.db")
    assert not settings.getbool("COOKIES_ENABLED")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES_BASE")
    extensions = settings.getdict("EXTENSIONS_BASE")
    assert COOKIES not in middlewares
    assert TELNET not in extensions and REMOTE not in extensions
    defaults = Settings()
    assert set(defaults.getdict("DOWNLOADER_MIDDLEWARES_BASE")) - set(middlewares) == {COOKIES}
    assert set(defaults.getdict("EXTENSIONS_BASE")) - set(extensions) == {TELNET, REMOTE}
    # arsip's own components are still there on top of the defaults.
    assert "crawler.extensions.RunLogStats" in settings.getwithbase("EXTENSIONS")


def test_a_component_turned_on_again_is_kept():
    settings = Settings({"COOKIES_ENABLED": True, "TELNETCONSOLE_ENABLED": False})
    bases = _without_off_components(settings)
    assert COOKIES in bases["DOWNLOADER_MIDDLEWARES_BASE"]
    assert TELNET not in bases["EXTENSIONS_BASE"]
