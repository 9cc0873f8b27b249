"""Configuration: the fixed keys, durations, ${VAR}, the search order, one-line errors with exit 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from crawler.config import bundled_config_path, find_config, load_settings, parse_duration, settings_from_dict
from crawler.errors import ConfigError


@pytest.mark.parametrize("text,seconds", [("30s", 30), ("10m", 600), ("1h", 3600), ("1d", 86400), ("2w", 1209600),
                                          (0, 0), ("0", 0), ("1.5h", 5400), ("250ms", 0.25)])
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["ten minutes", "5x", "-1s", "", True, 10, 2.5, "10"])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_bundled_config_is_valid_and_lists_real_feeds() -> None:
    settings = load_settings(bundled_config_path())
    feeds = [s for s in settings.sources if s.kind == "feed"]
    assert len(feeds) >= 8
    assert all(s.feed and s.feed.startswith("https://") for s in feeds)
    assert settings.storage.url.startswith("sqlite:///") and "dealradar" in settings.storage.url
    assert settings.crawl.obey_robots and not settings.crawl.allow_private_addresses


def test_env_expansion_and_defaults() -> None:
    data = {"alerts": {"channels": [{"webhook": "https://hooks.example.org/x", "secret": "${HOOK_SECRET}"},
                                    {"webhook": "https://hooks.example.org/y", "secret": "${MISSING:-fallback}"}]}}
    s = settings_from_dict(data, env={"HOOK_SECRET": "s3cret"})
    assert [c.secret for c in s.alerts.channels] == ["s3cret", "fallback"]
    with pytest.raises(ConfigError) as err:
        settings_from_dict({"alerts": {"channels": [{"webhook": "https://h.example.org", "secret": "${NOPE}"}]}}, env={})
    assert err.value.key_path == "alerts.channels[0].secret" and "NOPE" in str(err.value)


@pytest.mark.parametrize("data,path,words", [
    ({"crawl": {"delay": "soon"}}, "crawl.delay", "duration"),
    ({"crawl": {"dleay": "1s"}}, "crawl.dleay", "unknown key"),
    ({"crawl": {"concurrency_per_host": "many"}}, "crawl.concurrency_per_host",
     "expected a whole number, got 'many'"),
    ({"sources": [{"name": "a", "feed": "https://x.example/f"}, {"name": "b", "every": "1h"}]}, "sources[1]",
     "exactly one of"),
    ({"sources": [{"name": "a", "feed": "ftp://x.example/f"}]}, "sources[0].feed", "http"),
    ({"sources": [{"name": "a", "start_urls": ["https://x.example/"], "follow": "(["}]}, "sources[0].follow", "regular"),
    ({"storage": {"url": "mysql://x"}}, "storage", "sqlite"),
    ({"alerts": {"min_amount_usd": -5}}, "alerts.min_amount_usd", "expected a number >= 0, got -5"),
    ({"sources": [{"name": "a", "feed": "https://x.example/f"}, {"name": "a", "feed": "https://y.example/f"}]},
     "sources[1].name", "duplicate"),
])
def test_errors_name_the_key_path(data: dict, path: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings_from_dict(data, env={})
    assert err.value.key_path.startswith(path), str(err.value)
    assert words in str(err.value).lower()
    assert "\n" not in str(err.value)


def test_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config() == bundled_config_path()
    (tmp_path / "dealradar.yaml").write_text("sources: []\n")
    assert find_config() == tmp_path / "dealradar.yaml"
    other = tmp_path / "other.yaml"
    other.write_text("sources: []\n")
    monkeypatch.setenv("DEALRADAR_CONFIG", str(other))
    assert find_config() == other
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text("{}\n")
    assert find_config(explicit) == explicit


def test_cli_bad_config_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(yaml.safe_dump({"storage": {"url": f"sqlite:///{db}"}, "crawl": {"delay": "often"}}))
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "-c", str(cfg)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "crawl.delay" in lines[0], proc.stderr
    assert not db.exists()


def test_cli_invalid_yaml_exits_2(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.yaml"
    cfg.write_text("sources: [unclosed\n")
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "sources", "list", "-c", str(cfg)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not valid YAML" in proc.stderr
