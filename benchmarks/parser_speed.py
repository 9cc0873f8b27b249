"""Deal-parser throughput on one core, in articles per second (bar: >= 200/s), and the cost of a whole
HTML page (extraction plus parsing) against bare trafilatura on the same page (bar: <= 1.4x).

Reads ../shared/eval/dev and ../shared/seeds articles when they exist beside the repository,
otherwise generates its own text. With ../shared present it also prints the score.py summary
lines for shared/eval/dev, real-dev and seeds, and for the project's own labelled sets in benchmarks/
(tuning, heldout*), and times the 182 publisher pages of ../shared/peers/news-sites/fundus.
Run: ``.venv/bin/python benchmarks/parser_speed.py [--seconds N] [--html-rounds N]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.deals import load_resources, parse_article  # noqa: E402
from crawler.deals.batch import parse_published, predict  # noqa: E402

SHARED = ROOT.parent / "shared"
SETS = ("eval/dev", "seeds")
SCORED = ("eval/dev", "eval/real-dev", "seeds")
FUNDUS = SHARED / "peers" / "news-sites" / "fundus"
# The project's own labelled sets (written for DealRadar); scored with the same score.py.
OWN_SETS = ("tuning", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
            "heldout9", "heldout10", "heldout11", "heldout12", "heldout13", "heldout14", "heldout15", "heldout16", "heldout17",
            "heldout18", "heldout19", "heldout20", "heldout21", "heldout22", "heldout23", "heldout24", "heldout25",
            "heldout26", "heldout27", "heldout28", "heldout29", "heldout30", "heldout31", "heldout32", "heldout33",
            "heldout34")


def _articles() -> list[dict]:
    out: list[dict] = []
    for name in SETS:
        path = SHARED / name / "articles.jsonl"
        if path.exists():
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if out:
        return out
    body = ("Nimbra, a Lyon startup building AI models for logistics, has raised $45 million in a Series B led by "
            "Corrow Capital, valuing it at $300 million. Existing investors Tessel Ventures and Dunmore also "
            "participated. The company has raised $70 million to date.\n\nIt plans to hire 80 engineers.\n\n")
    return [{"id": f"g{i}", "title": f"Nimbra raises $45 million ({i})", "published": "2025-05-01T00:00:00Z",
             "text": body * (1 + i % 4)} for i in range(40)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=3.0, help="how long to keep parsing")
    ap.add_argument("--html-rounds", type=int, default=3, help="passes over the publisher pages (0: skip)")
    args = ap.parse_args()
    if args.html_rounds and FUNDUS.exists():
        html_ratio(args.html_rounds)
    res = load_resources()
    articles = _articles()
    prepared = [(a.get("title") or "", a.get("text") or "", parse_published(a.get("published"))) for a in articles]
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for title, text, published in prepared:
            parse_article(title, text, published, resources=res)
            n += 1
    elapsed = time.perf_counter() - start
    chars = sum(len(t) for _, t, _ in prepared) / len(prepared)
    print(f"parser_speed: {n / elapsed:.0f} articles/s on one core ({n} parses of {len(prepared)} articles, "
          f"mean {chars:.0f} chars)")
    score = SHARED / "eval" / "score.py"
    if not score.exists():
        return
    folders = [(name, SHARED / name) for name in SCORED] + [
        (f"benchmarks/{name}", ROOT / "benchmarks" / name) for name in OWN_SETS]
    for name, folder in folders:
        src = folder / "articles.jsonl"
        if not src.exists():
            continue
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
            for line in src.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    fh.write(json.dumps(predict(json.loads(line), res)) + "\n")
        proc = subprocess.run([sys.executable, str(score), str(folder / "labels.jsonl"), fh.name],
                              capture_output=True, text=True, check=False)
        Path(fh.name).unlink(missing_ok=True)
        print(f"{name}: {proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()}")


def html_ratio(rounds: int) -> None:
    """CPU time of DealRadar's extraction + parser per page against bare trafilatura (DealRadar's options),
    interleaved page by page so both see the same machine."""
    import gzip
    from datetime import UTC, datetime

    import trafilatura

    from crawler.crawl.extract import extract_article
    from crawler.crawl.items import ArticleItem

    manifest = json.loads(gzip.decompress((FUNDUS / "manifest.json.gz").read_bytes()))
    pages = [(rec["url"], gzip.decompress((FUNDUS / rec["file"]).read_bytes()).decode("utf-8", errors="replace"))
             for rec in manifest]
    res = load_resources()
    now = datetime.now(UTC)
    bare = ours = 0.0
    for _ in range(rounds):
        for url, html in pages:
            t0 = time.process_time()
            trafilatura.extract(html, url=url, include_comments=False, include_tables=True, favor_precision=True,
                                deduplicate=False)
            t1 = time.process_time()
            art = extract_article(ArticleItem(url=url, source="bench", html=html, fetched_at=now), now=now)
            parse_article(art.title or "", art.text, art.published, resources=res, url=url)
            t2 = time.process_time()
            bare += t1 - t0
            ours += t2 - t1
    n = rounds * len(pages)
    print(f"html pages: bare trafilatura {1000 * bare / n:.1f} ms/page, DealRadar extraction + parser "
          f"{1000 * ours / n:.1f} ms/page: ratio {ours / bare:.2f} (bar <= 1.4; {len(pages)} pages x {rounds})")


if __name__ == "__main__":
    main()
