"""``dealradar extract`` on bad and ambiguous input, through the installed ``dealradar`` entry point: one-line
errors with exit status 2 for input that is not an article, a batch that survives lines that are not UTF-8,
and plain text that says which line it read as the headline."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler.cli.extract_input import looks_binary, split_plain_text
from crawler.cli.sitehost import Reply, SiteServer

ENTRY = Path(sys.executable).with_name("dealradar")
OFFLINE_SOCKET = Path(__file__).parent / "servers" / "offline_socket"

TWO_DEALS = ("Acme Vision, a Boston maker of AI inspection cameras, raised $10 million in a Series A led by "
             "Birch Capital. Corvid Labs, an AI chip startup, has raised $50 million in a Series B round from "
             "Delta Partners.")
DEAL = ("Zeta Reason, a Paris AI startup, has raised $20 million in a Series A round led by Orbit Ventures, "
        "the company said on Monday.")


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "dealradar.yaml"
    path.write_text(yaml.safe_dump({"storage": {"url": f"sqlite:///{tmp_path / 'x.db'}"}, "sources": []}))
    return path


def dealradar(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert ENTRY.exists(), f"the dealradar entry point is not installed beside {sys.executable}"
    proc = subprocess.run([str(ENTRY), *args], input=stdin, capture_output=True, timeout=180,
                          env={**os.environ, **(env or {})})
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8"),
                                       proc.stderr.decode("utf-8"))


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_a_missing_file_or_a_directory_is_named_as_such_with_exit_2(tmp_path: Path, cfg: Path) -> None:
    missing = tmp_path / "nothing-here.html"
    for args, expected in [((str(missing),), f"dealradar: no such file: {missing}"),
                           ((str(tmp_path),), f"dealradar: is a directory: {tmp_path}"),
                           (("--jsonl", str(missing)), f"dealradar: no such file: {missing}"),
                           (("--jsonl", str(tmp_path)), f"dealradar: is a directory: {tmp_path}")]:
        proc = dealradar("extract", *args, "-c", str(cfg))
        assert proc.returncode == 2 and proc.stdout == ""
        assert one_line(proc.stderr) == expected
        assert "config error" not in proc.stderr


@pytest.mark.parametrize("stdin", [b"", b"   \n\n\t\n"])
def test_empty_input_is_refused_not_parsed_as_no_deal(cfg: Path, stdin: bytes, tmp_path: Path) -> None:
    proc = dealradar("extract", "-", "-c", str(cfg), stdin=stdin)
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc.stderr) == "dealradar: stdin: empty input, nothing to parse"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(stdin)
    proc = dealradar("extract", str(empty), "-c", str(cfg))
    assert proc.returncode == 2 and "is_deal" not in proc.stdout
    assert one_line(proc.stderr) == f"dealradar: {empty}: empty input, nothing to parse"


def test_binary_input_is_refused_with_one_line(cfg: Path, tmp_path: Path, site: SiteServer) -> None:
    rng = random.Random(7)
    blob = tmp_path / "image.png"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000)))
    proc = dealradar("extract", str(blob), "-c", str(cfg))
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc.stderr) == f"dealradar: {blob}: binary data, not an article (give HTML or plain text)"
    proc = dealradar("extract", "-", "-c", str(cfg), stdin=blob.read_bytes())
    assert proc.returncode == 2 and one_line(proc.stderr).startswith("dealradar: stdin: binary data")
    site.add("/story", Reply(blob.read_bytes(), content_type="text/html"))  # an image served as a page
    local = tmp_path / "local.yaml"
    local.write_text(yaml.safe_dump({"storage": {"url": f"sqlite:///{tmp_path / 'y.db'}"}, "sources": [],
                                     "crawl": {"allow_private_addresses": True}}))
    proc = dealradar("extract", site.url("/story"), "-c", str(local))
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc.stderr).startswith(f"dealradar: {site.url('/story')}: binary data")


def test_batch_lines_that_are_not_utf8_get_a_reason_and_an_output_line_in_order(cfg: Path, tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "title": "Zeta Reason raises $20 million", "text": DEAL}).encode()
    bad_text = json.dumps({"id": "b", "title": "Caf\u00e9 news", "text": "Nothing here XX"}).encode()
    bad_text = bad_text.replace(b"XX", b"\xe9t\xe9")  # Latin-1 bytes inside the text: the id is intact
    bad_id = b'{"id": "c\xff", "text": "x"}'  # the id itself is damaged: not recoverable
    garbage = b"\xff\xfe\x00\x01"
    last = json.dumps({"id": "e", "title": "Weather", "text": "Rain on Tuesday."}).encode()
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join([good, bad_text, bad_id, garbage, last]) + b"\n")
    for args, stdin in (((str(src),), b""), (("-",), src.read_bytes())):
        proc = dealradar("extract", "--jsonl", *args, "-c", str(cfg), stdin=stdin)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        out = [json.loads(line) for line in proc.stdout.splitlines()]
        assert [o["id"] for o in out] == ["a", "b", None, None, "e"]
        assert out[0]["is_deal"] and out[0]["deals"][0]["company"] == "Zeta Reason"
        assert [o["deals"] for o in out[1:]] == [[], [], [], []]
        errors = proc.stderr.splitlines()
        assert errors[0].startswith("dealradar: line 2 (id b): not UTF-8 (byte 0xe9 at offset ")
        assert errors[1].startswith("dealradar: line 3: not UTF-8 (byte 0xff")
        assert errors[2].startswith("dealradar: line 4: not UTF-8 (byte 0xff at offset 0)")
        assert len(errors) == 3


def test_plain_text_says_what_it_read_as_the_title_and_takes_title_option(cfg: Path, tmp_path: Path) -> None:
    headed = tmp_path / "headed.txt"
    headed.write_text(f"Zeta Reason raises $20 million\n\n{DEAL}\n")
    proc = dealradar("extract", str(headed), "-c", str(cfg))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == ["Zeta Reason raises $20 million",
                                            "(title: the text's first line (--title TEXT sets another))"]
    got = json.loads(dealradar("extract", str(headed), "--json", "-c", str(cfg)).stdout)
    assert got["title"] == "Zeta Reason raises $20 million" and got["title_from"] == "first line"

    # One paragraph: its first sentence is no headline, so it is not read as one (it used to be, and the
    # second deal then took the first one's investor from the "headline").
    para = tmp_path / "para.txt"
    para.write_text(TWO_DEALS + "\n")
    proc = dealradar("extract", str(para), "-c", str(cfg))
    assert proc.returncode == 0, proc.stderr
    assert "(no title: the text has no headline line" in proc.stdout
    got = json.loads(dealradar("extract", str(para), "--json", "-c", str(cfg)).stdout)
    assert got["title"] == "" and got["title_from"] == "none"
    investors = {d["company"]: d["investors"] for d in got["deals"]}
    assert investors == {"Acme Vision": ["Birch Capital"], "Corvid Labs": ["Delta Partners"]}

    got = json.loads(dealradar("extract", "-", "--title", "Two AI rounds", "--json", "-c", str(cfg),
                               stdin=(TWO_DEALS + "\n").encode()).stdout)
    assert got["title"] == "Two AI rounds" and got["title_from"] == "option"
    assert {d["company"] for d in got["deals"]} == {"Acme Vision", "Corvid Labs"}


def test_an_unknown_host_reads_as_a_dns_failure_as_in_the_crawl(cfg: Path, tmp_path: Path) -> None:
    lookups = tmp_path / "lookups.txt"
    env = {"PYTHONPATH": os.pathsep.join([str(OFFLINE_SOCKET), os.environ.get("PYTHONPATH", "")]),
           "OFFLINE_DNS_LOG": str(lookups)}
    proc = dealradar("extract", "http://nosuchhost.invalid/story", "-c", str(cfg), env=env)
    assert "nosuchhost.invalid" in lookups.read_text().split()  # the lookup went to the offline resolver
    assert proc.returncode == 1 and proc.stdout == ""
    assert one_line(proc.stderr) == ("dealradar: http://nosuchhost.invalid/story: "
                                     "DNS lookup failed for host nosuchhost.invalid")


def test_binary_sniffing_and_headline_rule() -> None:
    assert looks_binary(b"%PDF-1.7\n\x00\x01\x02 stream")
    assert looks_binary(bytes(range(1, 32)) * 10)
    assert not looks_binary("Café société: naïve AI startup raises EUR5m\n".encode("latin-1"))
    assert not looks_binary("<html><body><p>Стартап привлёк $5 млн</p></body></html>".encode())
    assert not looks_binary(b"")
    assert split_plain_text("Headline\nBody text.").title_from == "first line"
    assert split_plain_text("A whole sentence of the story.\nAnother one.").title_from == "none"
    assert split_plain_text("x" * 201 + "\nbody").title_from == "none"
    only = split_plain_text("  Just one line  \n")
    assert (only.title, only.text, only.title_from) == ("", "Just one line", "none")
    given = split_plain_text("Line one\nLine two", "Given")
    assert (given.title, given.text) == ("Given", "Line one\nLine two")
