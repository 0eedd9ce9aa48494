"""Every ``arsip`` command is documented in the README (as in sqlite-utils)."""

from __future__ import annotations

import re

import pytest

from arsip.cli import cli
from tests.conftest import ROOT

README = ROOT / "README.md"


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"\barsip {re.escape(command)}\b", readme_text()), (
        f"`arsip {command}` is not documented in README.md"
    )
