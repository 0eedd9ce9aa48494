"""The spider's callbacks never end a generator with ``return <value>``: Scrapy would
drop the value silently. Scrapy checks this at every crawl's start by parsing each
callback's source; arsip turns that off (WARN_ON_GENERATOR_RETURN_VALUE) and checks once,
here."""

from __future__ import annotations

import inspect

import pytest
from scrapy.utils.misc import is_generator_with_return_value

from crawler.spiders.portal import PortalSpider

# The public generator methods are the callbacks; private helpers used with
# ``yield from`` (``_article_request``) return their decision on purpose.
GENERATORS = [
    name
    for name, function in inspect.getmembers(PortalSpider, inspect.isfunction)
    if inspect.isgeneratorfunction(function)
    and function.__module__.startswith("crawler.spiders.")
    and not name.startswith("_")
]


def test_the_callbacks_are_found():
    # parse_sitemap is an async generator: Python refuses ``return <value>`` in those.
    assert {"parse_listing", "parse_feed", "parse_article", "parse_robots"} <= set(GENERATORS)


@pytest.mark.parametrize("name", GENERATORS)
def test_no_generator_callback_returns_a_value(name):
    assert not is_generator_with_return_value(getattr(PortalSpider, name))


def test_the_check_sees_a_returned_value():
    def callback(response):
        yield response
        return 1

    assert is_generator_with_return_value(callback)
