"""The batch contract: JSONL in, one prediction per line out, html input stripped."""

from __future__ import annotations

from pathlib import Path

from crawler.deals import load_resources
from crawler.deals.batch import html_to_text, predict

ROOT = Path(__file__).resolve().parents[2]


def test_predict_text_and_html() -> None:
    res = load_resources()
    out = predict({"id": "a", "title": "Vireo raises $14 million", "published": "2025-03-01T00:00:00Z",
                   "text": "Vireo has raised $14 million led by Kinloch Capital."}, res)
    assert out["id"] == "a" and out["is_deal"] is True and out["deals"][0]["company"] == "Vireo"
    html = ("<html><script>var x='$9 billion';</script><body><h1>Vireo raises $14 million</h1>"
            "<p>Vireo has raised $14 million led by Kinloch Capital.</p></body></html>")
    out = predict({"id": "b", "title": "Vireo raises $14 million", "published": None, "html": html}, res)
    assert out["deals"][0]["amount_usd"] == 14e6
    assert "$9 billion" not in html_to_text(html)
