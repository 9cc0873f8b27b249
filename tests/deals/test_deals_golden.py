"""Golden files: each tests/data/articles/<case>.txt (and tests/deals/golden/) against <case>.expected.json.

The .txt files start with ``Title:`` and ``Published:`` lines, a blank line, then the body.
Regenerate after an intended change with ``DEALRADAR_UPDATE_GOLDEN=1 pytest tests/deals`` and
review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from crawler.deals import load_resources, parse_article
from crawler.deals.batch import parse_published

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
GOLDEN = Path(__file__).resolve().parent / "golden"  # parser rules added later: pre/post-money, tenders, ...
_DIRS = {p.stem: d for d in (ARTICLES, GOLDEN) for p in d.glob("*.txt")}
CASES = sorted(_DIRS)
RESOURCES = load_resources()


def _read(case: str) -> tuple[str, str, str]:
    title, published, _url, body = _read_all(case)
    return title, published, body


def _read_all(case: str) -> tuple[str, str, str | None, str]:
    """Title, Published, an optional Url (where a company's own post was published) and the body."""
    raw = (_DIRS[case] / f"{case}.txt").read_text(encoding="utf-8")
    head, body = raw.split("\n\n", 1)
    title = re.search(r"^Title: (.*)$", head, re.M)
    published = re.search(r"^Published: (.*)$", head, re.M)
    url = re.search(r"^Url: (.*)$", head, re.M)
    assert title and published, f"{case}.txt needs Title: and Published: lines"
    return title.group(1), published.group(1), url.group(1) if url else None, body


def _predict(case: str) -> dict:
    title, published, url, body = _read_all(case)
    result = parse_article(title, body, parse_published(published), resources=RESOURCES, url=url)
    return {"is_deal": result.is_deal, "deals": [d.to_record() for d in result.deals]}


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    got = _predict(case)
    expected_path = _DIRS[case] / f"{case}.expected.json"
    if os.environ.get("DEALRADAR_UPDATE_GOLDEN") == "1" or not expected_path.exists():
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


@pytest.mark.parametrize("case", CASES)
def test_evidence_offsets_index_the_text(case: str) -> None:
    title, _published, body = _read(case)
    for deal in _predict(case)["deals"]:
        assert deal["evidence"], "every deal carries its sentence"
        for ev in deal["evidence"]:
            source = title if ev.get("field") == "title" else body
            assert source[ev["start"]:ev["end"]] == ev["text"]


def test_corpus_has_both_deals_and_traps() -> None:
    results = {case: _predict(case)["is_deal"] for case in CASES}
    assert sum(results.values()) >= 8
    assert len(results) - sum(results.values()) >= 4
