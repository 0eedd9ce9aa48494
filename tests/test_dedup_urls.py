"""Level 1: every spelling of an article's URL folds to one key."""

from __future__ import annotations

import pytest

from archive.dedup import canonical_url

BASE = "https://tangselpos.id/detail/51234/andra-soni-ajak-influencer"

# Each variant is a URL a crawler or a reader really meets for the same article.
SAME_ARTICLE = [
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "http://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "https://tangselpos.id/detail/51234/andra-soni-ajak-influencer/",
    "https://WWW.TangselPos.ID/detail/51234/andra-soni-ajak-influencer",
    "https://m.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "https://mobile.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "https://www2.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "https://amp.tangselpos.id/detail/51234/andra-soni-ajak-influencer",
    "https://www.tangselpos.id/amp/detail/51234/andra-soni-ajak-influencer",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer/amp",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer/amp/",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer.amp",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?amp",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?amp=1",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?outputType=amp",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?utm_source=facebook&utm_medium=social&utm_campaign=x",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?fbclid=IwAR0abc",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?gclid=Cj0KCQ",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?msclkid=1&igshid=2&mc_cid=3",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?page=all",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?page=2",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer?halaman=3",
    "https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer#komentar",
    "https://www.tangselpos.id:443/detail/51234/andra-soni-ajak-influencer",
    "http://www.tangselpos.id:80/detail/51234/andra-soni-ajak-influencer",
    "  https://www.tangselpos.id/detail/51234/andra-soni-ajak-influencer  ",
    "https://m.tangselpos.id/amp/detail/51234/andra-soni-ajak-influencer/?utm_source=wa&page=all#top",
]  # fmt: skip


@pytest.mark.parametrize("url", SAME_ARTICLE)
def test_variant_folds_to_the_article_key(url):
    assert canonical_url(url) == BASE


# Different articles must keep different keys: folding may never merge them.
DIFFERENT = [
    ("https://tangselpos.id/detail/51234/x", "https://tangselpos.id/detail/51235/x"),
    ("https://kabar6.com/?p=123", "https://kabar6.com/?p=124"),
    ("https://tangerangnews.com/kota/read/1/Slug", "https://tangerangnews.com/kota/read/1/slug"),
    ("https://tangselpos.id/detail/1/x", "https://tangselpos.id:8443/detail/1/x"),
    ("https://tangselpos.id/detail/1/x", "https://kabar6.com/detail/1/x"),
    ("https://example.id/berita?id=5", "https://example.id/berita?id=6"),
    ("https://example.id/ampera-baru", "https://example.id/ampera"),
    ("https://example.id/news/camp", "https://example.id/news/c"),
]  # fmt: skip


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_articles_keep_different_keys(one, other):
    assert canonical_url(one) != canonical_url(other)


def test_meaningful_query_is_kept_and_sorted():
    assert (
        canonical_url("https://www.example.id/baca?b=2&id=7&utm_source=x&a=1")
        == "https://example.id/baca?a=1&b=2&id=7"
    )


def test_site_root():
    assert canonical_url("http://www.tangselpos.id") == "https://tangselpos.id/"
    assert canonical_url("https://tangselpos.id/?utm_source=x") == "https://tangselpos.id/"


def test_plain_urls_are_spelled_directly_as_w3lib_spells_them():
    """The common news URL is made canonical without w3lib; every URL gets w3lib's
    answer, odd hosts, ports, escapes, queries, fragments and dot segments included."""
    from archive.dedup_keys import _PLAIN_URL, _canonical_by_w3lib
    from tests.test_warc_urls import NEWS_URLS, urls

    direct = 0
    for url in [*urls(6000), *NEWS_URLS, "https://www.Tangselpos.ID/AMP/berita/a.amp.html"]:
        assert canonical_url(url) == _canonical_by_w3lib(url.strip()), url
        direct += bool(_PLAIN_URL.match(url))
    assert direct > 200  # both paths are exercised
    assert all(_PLAIN_URL.match(url) for url in NEWS_URLS)
