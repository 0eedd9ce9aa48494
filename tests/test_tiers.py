"""The ``crawl`` mark is found from what a test calls (tests/tiers.py): these pin that it
finds a CLI run behind a helper and a fixture, and leaves the pure tests alone."""

from __future__ import annotations

from tests.tiers import starts_process


def test_a_test_that_runs_the_cli_is_in_the_crawl_tier():
    assert starts_process("test_cli", "test_demo_archives_and_searches_offline")


def test_the_mirror_fixture_is_in_the_crawl_tier():
    assert starts_process("test_tiers", "mirror")  # conftest's session mirror


def test_a_helper_imported_from_another_test_module_is_followed():
    # test_sitemaps.py's crawl() runs `arsip crawl`; test_sitemap_recheck's first_run()
    # only calls it, imported from there.
    assert starts_process("test_sitemaps", "crawl")
    assert starts_process("test_sitemap_recheck", "first_run")
    assert not starts_process("archives", "file_digest")


def test_pure_tests_are_not_in_the_crawl_tier():
    assert not starts_process("test_dates", "test_parse_date_table")
    assert not starts_process("test_store", "archive")  # a fixture that writes a file only
    assert not starts_process("test_tiers", "test_pure_tests_are_not_in_the_crawl_tier")
