"""How often the parser calls a deal on real publisher pages that are (nearly all) not deal news.

Reads the 182 saved pages of ../shared/peers/news-sites/fundus in place, runs each through the same
extraction and parser as ``dealradar extract --jsonl`` (HTML in), and prints the share called deals,
any deal under $10,000, and the pages called deals so a person can judge them.

    .venv/bin/python benchmarks/news_pages.py [--show]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.cli.commands import extract_batch  # noqa: E402
from crawler.config import load_settings  # noqa: E402

FUNDUS = ROOT.parent / "shared" / "peers" / "news-sites" / "fundus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print every deal found with its sentence")
    args = ap.parse_args()
    manifest = json.loads(gzip.decompress((FUNDUS / "manifest.json.gz").read_bytes()))
    lines = []
    for rec in manifest:
        html = gzip.decompress((FUNDUS / rec["file"]).read_bytes()).decode("utf-8", errors="replace")
        lines.append(json.dumps({"id": rec["file"], "url": rec["url"], "html": html}))
    settings = load_settings(None)
    called, small = [], []
    for out in map(json.loads, extract_batch(settings, lines)):
        if out["is_deal"]:
            called.append(out)
        small += [d for d in out["deals"] if d.get("amount_usd") is not None and d["amount_usd"] < 10_000]
    print(f"pages: {len(lines)}  called deals: {len(called)} ({100 * len(called) / len(lines):.1f} %)  "
          f"deals under $10,000: {len(small)}")
    for out in called:
        for d in out["deals"]:
            ev = (d.get("evidence") or [{}])[0].get("text", "")
            print(f"  {out['id']}: {d['company']} {d.get('amount_text')} {d['deal_type']}"
                  + (f" :: {ev[:160]}" if args.show else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
