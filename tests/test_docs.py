"""The README documents every configuration key the code accepts (datasette's habit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ChannelSettings, ClusterSettings, Settings, SourceSettings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTIONS = ["storage", "crawl", "alerts", "deals", "daemon", "web"]


def keys() -> list[str]:
    out = []
    for section in SECTIONS:
        model = Settings.model_fields[section].annotation
        for field in model.model_fields:  # type: ignore[union-attr]
            if section == "alerts" and field == "channels":
                continue
            out.append(f"{section}.{field}")
    return out + [f"cluster.{field}" for field in ClusterSettings.model_fields]


@pytest.mark.parametrize("key", keys())
def test_every_config_key_is_in_the_readme(key: str) -> None:
    assert f"`{key}`" in README, key


@pytest.mark.parametrize("field", [f for f in SourceSettings.model_fields] + [f for f in ChannelSettings.model_fields])
def test_source_and_channel_fields_are_in_the_readme(field: str) -> None:
    assert any(f in README for f in (f"`{field}", f"{{{field}:", f", {field}:", f"`alerts.{field}`")), field


def test_the_readme_says_how_to_run_on_several_machines() -> None:
    part = README.split("## Running on several machines", 1)[1].split("\n## ", 1)[0]
    for text in ("dealradar worker -c", "dealradar run -c", "config/dealradar-worker.service", "dealradar status",
                 "100,000 sources", "two cores"):
        assert text in part, text
    unit = (Path(__file__).resolve().parents[1] / "config" / "dealradar-worker.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/dealradar/bin/dealradar worker -c" in unit
