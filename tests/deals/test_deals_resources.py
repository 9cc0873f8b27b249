"""Loading the data files, and user files extending them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.deals import load_resources
from crawler.deals.resources import ResourceError, Resources


def test_bundled_files_load() -> None:
    res = load_resources()
    assert res.canonical("Amazon Web Services") == "Amazon"
    assert res.usd_rate("EUR", dt.date(2025, 9, 1)) is not None
    assert res.usd_rate("USD", None) == 1.0


def test_user_files_extend_and_override(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text("entities:\n  - {name: Zorblat, kind: lab, ai: true, aliases: [Zorblat Labs Inc]}\n")
    rates = tmp_path / "rates.yaml"
    rates.write_text("rates:\n  - {date: 2030-01-01, EUR: 2.0}\n")
    res = load_resources(aliases, rates)
    assert res.canonical("Zorblat Labs Inc") == "Zorblat"
    assert res.canonical("AWS") == "Amazon"
    assert res.usd_rate("EUR", dt.date(2030, 6, 1)) == 2.0


def test_bad_data_names_the_entry() -> None:
    with pytest.raises(ResourceError, match=r"entities\[0\]"):
        Resources.from_data({"entities": [{"kind": "lab"}]}, None)
    with pytest.raises(ResourceError, match="EUR"):
        Resources.from_data(None, {"rates": [{"date": "2024-01-01", "EUR": -1}]})
