"""Crawls of a fixture news site served on 127.0.0.1, through the real Scrapy engine in a child process."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import make_settings

from crawler.cli.commands import crawl_once
from crawler.cli.sitehost import Reply, SiteServer, article_page, atom, news_sitemap, rss
from storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent

BODY = [
    "Brightwave Systems, a Lisbon company that builds speech models for call centres, said on Monday it had "
    "signed a partnership with a regional telecom operator to route customer calls through its software.",
    "The company did not disclose financial terms. Its chief executive said the deployment would start in "
    "the spring and cover four countries by the end of next year.",
]


_WORDS = ("harbour market river signal lantern orchard copper meadow canyon falcon glacier summit prairie "
          "beacon quarry harvest compass tundra delta marble ember willow cobalt saffron").split()


def story(n: int) -> str:
    """A page whose text differs from every other story's, so near-duplicate detection keeps them apart."""
    import random

    rng = random.Random(n)
    filler = " ".join(rng.choice(_WORDS) for _ in range(60))
    return article_page(f"Story number {n} about speech software", [BODY[0], f"Notes {n}: {filler}.", BODY[1]],
                        published="2026-11-10T10:00:00Z")


def publish_rss(site: SiteServer, path: str, links: list[str]) -> None:
    site.add(path, Reply(rss([{"title": f"t{i}", "link": u, "guid": u, "pubDate": "Tue, 10 Nov 2026 10:00:00 GMT"}
                              for i, u in enumerate(links)]), content_type="application/rss+xml"))


def crawl(settings, *names):  # type: ignore[no-untyped-def]
    return crawl_once(settings, names, send_alerts=False, show_progress=False)


def test_feed_crawl_fetches_each_article_once_and_recrawl_is_conditional(site: SiteServer, sqlite_url: str) -> None:
    for n in range(3):
        site.add(f"/a/{n}", story(n))
    # The same article twice under tracking parameters, and a fragment.
    links = [site.url("/a/0"), site.url("/a/1?utm_source=rss&utm_medium=feed"), site.url("/a/1#comments"),
             site.url("/a/2")]
    publish_rss(site, "/feed.xml", links)
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])

    first = crawl(settings).sources[0]
    assert first.ok and first.new_articles == 3 and first.fetched == 3
    assert [len(site.hits(f"/a/{n}")) for n in range(3)] == [1, 1, 1]

    second = crawl(settings).sources[0]
    assert second.not_modified
    assert second.fetched == 0
    feed_hits = site.hits("/feed.xml")
    assert feed_hits[-1].headers.get("if-none-match")
    assert [len(site.hits(f"/a/{n}")) for n in range(3)] == [1, 1, 1]

    repo = Repository.open(sqlite_url)
    state = repo.source_state("wire")
    assert state is not None and state.etag and state.last_status == "not-modified"
    assert repo.count_articles() == 3


def test_new_feed_entry_is_fetched_and_stored_ones_are_not(site: SiteServer, sqlite_url: str) -> None:
    site.add("/a/1", story(1))
    site.add("/a/2", story(2))
    publish_rss(site, "/feed.xml", [site.url("/a/1")])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])
    assert crawl(settings).sources[0].new_articles == 1
    publish_rss(site, "/feed.xml", [site.url("/a/1"), site.url("/a/2")])
    rep = crawl(settings).sources[0]
    assert rep.new_articles == 1 and rep.already_seen == 1
    assert len(site.hits("/a/1")) == 1 and len(site.hits("/a/2")) == 1


def test_atom_rdf_sitemap_and_listing_sources(site: SiteServer, sqlite_url: str) -> None:
    for n in range(8):
        site.add(f"/2026/story-{n}", story(n))
    site.add("/atom.xml", Reply(atom([{"title": "a", "link": site.url("/2026/story-0"),
                                       "updated": "2026-11-10T10:00:00Z"}]), content_type="application/atom+xml"))
    rdf = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>r</title><link>x</link>'
           '<description>d</description></channel>'
           f'<item rdf:about="{site.url("/2026/story-1")}"><title>one</title><link>{site.url("/2026/story-1")}</link>'
           "</item></rdf:RDF>")
    site.add("/rdf.xml", Reply(rdf, content_type="application/rdf+xml"))
    child = news_sitemap([{"loc": site.url("/2026/story-2"), "title": "two", "date": "2026-11-10T10:00:00Z"},
                          {"loc": site.url("/2026/story-3"), "title": "old", "date": "2001-01-01T00:00:00Z"}])
    site.add("/sitemap-news.xml.gz", Reply(gzip.compress(child.encode()), content_type="application/gzip"))
    site.add("/sitemap.xml", Reply(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/sitemap-news.xml.gz')}</loc></sitemap></sitemapindex>",
        content_type="application/xml"))
    site.add("/section/", '<html><body><a href="/2026/story-4">four</a> <a href="/2026/story-5">five</a>'
                          '<a href="/about">about</a><a href="http://example.invalid/2026/x">elsewhere</a></body></html>')
    settings = make_settings(sqlite_url, [
        {"name": "atom", "feed": site.url("/atom.xml")},
        {"name": "rdf", "feed": site.url("/rdf.xml")},
        {"name": "maps", "sitemap": site.url("/sitemap.xml")},
        {"name": "section", "start_urls": [site.url("/section/")], "follow": r"/20\d\d/"},
    ], crawl={"max_article_age": "30d"})
    reports = {r.source: r for r in crawl(settings).sources}
    assert reports["atom"].new_articles == 1
    assert reports["rdf"].new_articles == 1
    assert reports["maps"].new_articles == 1  # the 2001 entry is past the cut-off
    assert reports["maps"].skipped == 1
    assert reports["section"].new_articles == 2
    assert not site.hits("/about") and not site.hits("/2026/story-3")


def test_robots_txt_is_obeyed(site: SiteServer, sqlite_url: str) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/private/1", story(1))
    site.add("/open/2", story(2))
    publish_rss(site, "/feed.xml", [site.url("/private/1"), site.url("/open/2")])
    rep = crawl(make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])).sources[0]
    assert rep.new_articles == 1
    assert not site.hits("/private/1") and site.hits("/open/2")


def test_loopback_source_is_refused_without_the_setting(site: SiteServer, sqlite_url: str) -> None:
    site.add("/a/1", story(1))
    publish_rss(site, "/feed.xml", [site.url("/a/1")])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}],
                             crawl={"allow_private_addresses": False})
    rep = crawl(settings).sources[0]
    assert not rep.ok
    assert "internal address" in (rep.fatal or "") or "loopback" in (rep.fatal or "")
    assert site.hits("/feed.xml") == []


def test_redirect_to_a_private_address_is_refused(site: SiteServer, sqlite_url: str) -> None:
    from crawler.net.urlpolicy import PrivateAddressError, check_url

    with pytest.raises(PrivateAddressError):
        check_url("http://10.0.0.8/feed", allow_private=False)
    with pytest.raises(PrivateAddressError):
        check_url("http://[::1]:8080/", allow_private=False)
    with pytest.raises(PrivateAddressError):
        check_url("http://169.254.169.254/latest/meta-data", allow_private=False)
    check_url("http://93.184.215.14/", allow_private=False)


def test_oversized_response_is_cut_and_reported(site: SiteServer, sqlite_url: str) -> None:
    site.add("/big", Reply(article_page("Big", ["word " * 400_000])))
    site.add("/a/1", story(1))
    publish_rss(site, "/feed.xml", [site.url("/big"), site.url("/a/1")])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}],
                             crawl={"max_response_size": "200KB"})
    rep = crawl(settings).sources[0]
    assert rep.new_articles == 1
    assert any("/big" in e and "limit" in e for e in rep.errors), rep.errors
    # The big page was not stored, so the feed's validators are not saved: it is tried again next time.
    assert Repository.open(sqlite_url).source_state("wire").etag is None


def test_server_error_then_success_is_retried(site: SiteServer, sqlite_url: str) -> None:
    site.add("/a/1", [Reply("oops", status=500), Reply(story(1))])
    site.add("/feed.xml", [Reply("busy", status=503, headers={"Retry-After": "1"}),
                           Reply(rss([{"title": "x", "link": site.url("/a/1")}]), content_type="application/rss+xml")])
    rep = crawl(make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])).sources[0]
    assert rep.ok and rep.new_articles == 1
    feed_hits = site.hits("/feed.xml")
    assert len(feed_hits) == 2
    assert feed_hits[1].at - feed_hits[0].at >= 0.9  # Retry-After: 1 was waited out
    assert len(site.hits("/a/1")) == 2


def test_long_retry_after_ends_the_pass_and_is_remembered(site: SiteServer, sqlite_url: str) -> None:
    site.add("/feed.xml", Reply("slow down", status=429, headers={"Retry-After": "3600"}))
    rep = crawl(make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])).sources[0]
    assert not rep.ok and rep.poll_hint_s == 3600
    assert len(site.hits("/feed.xml")) == 1
    state = Repository.open(sqlite_url).source_state("wire")
    assert state.consecutive_failures == 1 and state.poll_hint_s == 3600


def test_malformed_feed_and_wrong_encoding_are_handled_with_warnings(
        site: SiteServer, sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    page = article_page("Café société raises money", ["Le café est ouvert. " + BODY[0]]).replace("utf-8", "utf-8")
    # Latin-1 bytes served as UTF-8: invalid byte sequences.
    site.add("/latin", Reply(page.encode("latin-1", errors="replace"), content_type="text/html; charset=utf-8"))
    broken = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>'
              f'<item><title>one & two</title><link>{site.url("/latin")}</link></item>'
              f"<item><title>no link</title></item>")  # unescaped & and no closing tags
    site.add("/feed.xml", Reply(broken, content_type="application/rss+xml"))
    site.add("/garbage.xml", Reply(b"\x00\x01 this is not a feed at all", content_type="application/rss+xml"))
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")},
                                          {"name": "junk", "feed": site.url("/garbage.xml")}])
    reports = {r.source: r for r in crawl(settings).sources}
    wire = reports["wire"]
    assert wire.ok and wire.new_articles == 1
    assert any("malformed feed" in w for w in wire.warnings)
    assert any("encoding" in w for w in wire.warnings)
    assert wire.skipped == 1  # the entry with no link, with its reason logged
    junk = reports["junk"]
    assert not junk.ok and "malformed feed" in (junk.fatal or "")


def test_same_text_under_two_urls_is_one_article_and_edits_are_recognised(site: SiteServer, sqlite_url: str) -> None:
    text = [BODY[0], BODY[1], "A third paragraph gives the plan for hiring in three more cities next year."]
    site.add("/a/original", article_page("First headline", text))
    site.add("/mirror/copy", article_page("First headline", text))
    edited = [text[0].replace("Monday", "Tuesday"), text[1], text[2]]
    site.add("/a/renamed-slug", article_page("A better headline after an edit", edited))
    publish_rss(site, "/feed.xml", [site.url("/a/original"), site.url("/mirror/copy")])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])
    rep = crawl(settings).sources[0]
    assert rep.new_articles == 1 and rep.duplicates == 1
    publish_rss(site, "/feed.xml", [site.url("/a/original"), site.url("/mirror/copy"), site.url("/a/renamed-slug")])
    rep = crawl(settings).sources[0]
    assert rep.new_articles == 0 and rep.duplicates == 1
    repo = Repository.open(sqlite_url)
    assert repo.count_articles() == 1
    assert repo.seen_urls([site.url("/a/renamed-slug")])  # the alias is remembered: never fetched again


def test_source_that_does_not_answer_is_reported_and_crawl_goes_on(site: SiteServer, sqlite_url: str) -> None:
    from servers.webhook_receiver import free_port

    site.add("/a/1", story(1))
    publish_rss(site, "/feed.xml", [site.url("/a/1")])
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    settings = make_settings(sqlite_url, [{"name": "dead", "feed": dead}, {"name": "wire", "feed": site.url("/feed.xml")}],
                             crawl={"retries": 1})
    reports = {r.source: r for r in crawl(settings).sources}
    assert not reports["dead"].ok and "Refused" in (reports["dead"].fatal or "")
    assert reports["wire"].new_articles == 1
    assert Repository.open(sqlite_url).source_state("dead").consecutive_failures == 1


def test_worker_pool_path_stores_every_article(site: SiteServer, sqlite_url: str) -> None:
    for n in range(6):
        site.add(f"/a/{n}", story(n))
    publish_rss(site, "/feed.xml", [site.url(f"/a/{n}") for n in range(6)])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}], crawl={"workers": 2})
    rep = crawl(settings).sources[0]
    assert rep.new_articles == 6 and rep.errors == []


def test_the_caller_hears_of_every_article_once_with_its_outcome(site: SiteServer, sqlite_url: str) -> None:
    from crawler.crawl.runner import run_crawl

    for n in range(7):
        site.add(f"/a/{n}", story(n))
    site.add("/a/copy", story(0))  # the same text as /a/0: a duplicate
    publish_rss(site, "/feed.xml", [site.url(f"/a/{n}") for n in range(7)] + [site.url("/a/copy")])
    settings = make_settings(sqlite_url, [{"name": "wire", "feed": site.url("/feed.xml")}])
    heard: list[tuple[str, str]] = []
    summary = run_crawl(settings, settings.sources, progress=lambda source, status: heard.append((source, status)))
    assert summary.sources[0].new_articles == 7
    assert sorted(heard) == sorted([("wire", "new")] * 7 + [("wire", "duplicate")])


def test_a_page_over_the_time_limit_is_abandoned(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import crawler.crawl.workers as workers
    from crawler.crawl.items import ArticleItem

    def slow(*args: object, **kwargs: object) -> None:
        time.sleep(5)

    monkeypatch.setattr(workers, "analyse", slow)
    started = time.monotonic()
    with pytest.raises(workers.AnalysisTimeout):
        workers.analyse_limited(ArticleItem(url="http://x.example/", source="s", html="<p>x</p>"), None,
                                datetime.now(UTC), 1)
    assert time.monotonic() - started < 4.5  # cut at the 1 s limit, well before the 5 s sleep ends


# ---- the crawl child process: DNS failures, its parent's death --------------------------------------


@pytest.mark.parametrize("where", ["feed", "article"])
def test_a_host_that_does_not_resolve_is_one_warning_line_without_a_traceback(
        site: SiteServer, sqlite_url: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], where: str) -> None:
    # The child resolves through servers.offline_dns: names under the reserved .invalid TLD fail right there,
    # as NXDOMAIN would, and no DNS server is asked (this machine's resolver is not local).
    from servers.crawl_child import CrawlChild

    if where == "feed":
        failing = "http://nosuchhost.invalid/feed.xml"
        source = {"name": "nx", "feed": failing}
    else:
        failing = "http://nosuchhost.invalid/a/1"
        publish_rss(site, "/feed.xml", [failing])
        source = {"name": "nx", "feed": site.url("/feed.xml")}
    lookups = tmp_path / "dns.log"
    settings = make_settings(sqlite_url, [source], crawl={"retries": 1})  # a retry, then the give-up
    child = CrawlChild.start(settings, ["nx"], scrapy_overrides={
        "TWISTED_DNS_RESOLVER": "servers.offline_dns.OfflineResolver", "OFFLINE_DNS_LOG": str(lookups)})
    rep = child.wait().sources[0]

    assert "nosuchhost.invalid" in lookups.read_text().split()  # the lookup went to the offline resolver
    reason = f"{failing}: HostNotFound: DNS lookup failed for host nosuchhost.invalid"
    assert reason in rep.errors
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    warnings = [line for line in err.splitlines() if " WARNING " in line or " ERROR " in line]
    assert len(warnings) == 1, err
    assert reason in warnings[0] and "WARNING" in warnings[0]


def _children_of(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (whoever adopted it may never reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# The daemon's way to start a crawl child: one server process forks them all (the caller's grandchildren).
FORKSERVER_PARENT = (
    "import sys\n"
    "from crawler.config import load_settings\n"
    "from crawler.crawl.runner import run_crawl\n"
    "settings = load_settings(sys.argv[1])\n"
    "run_crawl(settings, settings.sources, start_method='forkserver')\n"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
@pytest.mark.parametrize("start_method", ["spawn", "forkserver"])
def test_the_crawl_child_ends_when_its_parent_is_sigkilled(site: SiteServer, sqlite_url: str, tmp_path: Path,
                                                           start_method: str) -> None:
    for n in (1, 2):
        site.add(f"/a/{n}", story(n))
    site.add("/a/slow", Reply(story(3), delay=60))  # far longer than the few seconds the child may outlive its parent
    publish_rss(site, "/feed.xml", [site.url("/a/1"), site.url("/a/2"), site.url("/a/slow")])
    cfg = tmp_path / "dealradar.yaml"
    cfg.write_text(yaml.safe_dump({
        "storage": {"url": sqlite_url},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "concurrency_per_host": 8,
                  "timeout": "120s", "retries": 0, "max_article_age": "3650d", "workers": 1},
        "sources": [{"name": "wire", "feed": site.url("/feed.xml")}],
    }))
    command = ([sys.executable, "-m", "crawler.cli", "crawl", "-c", str(cfg), "--no-alerts", "--json"]
               if start_method == "spawn" else [sys.executable, "-c", FORKSERVER_PARENT, str(cfg)])
    with open(tmp_path / "parent.log", "wb") as out:
        parent = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    child_pid = None
    try:
        deadline = time.monotonic() + 60
        while not (site.hits("/a/slow") and _stored(sqlite_url) == 2):
            assert parent.poll() is None, (tmp_path / "parent.log").read_text()
            assert time.monotonic() < deadline, "the crawl never reached the slow article"
            time.sleep(0.1)
        if start_method == "spawn":
            # `dealradar crawl` forks its child where it can (spawns elsewhere): the only child it has here.
            crawl_children = [p for p, cmd in _children_of(parent.pid) if "spawn_main" in cmd or "crawler.cli" in cmd]
        else:
            servers = [p for p, cmd in _children_of(parent.pid) if "forkserver" in cmd]
            assert len(servers) == 1, _children_of(parent.pid)
            crawl_children = [p for p, _ in _children_of(servers[0])]
        assert len(crawl_children) == 1, _children_of(parent.pid)
        child_pid = crawl_children[0]

        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(5)
        t0 = time.monotonic()
        while _alive(child_pid) and time.monotonic() - t0 < 20:
            time.sleep(0.05)
        # Far sooner than the slow article's 60 s (that would be the child finishing its pass); 20 s for a busy box.
        assert not _alive(child_pid), "the crawl child outlived its SIGKILLed parent by 20s"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(5)
        if child_pid is not None and _alive(child_pid):
            os.kill(child_pid, signal.SIGKILL)

    # The two whole articles are there and the database is sound; the slow one was never stored.
    repo = Repository.open(sqlite_url)
    assert repo.count_articles() == 2
    assert not repo.seen_urls([site.url("/a/slow")])
    repo.close()
    import sqlite3

    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _stored(url: str) -> int:
    repo = Repository.open(url)
    try:
        return repo.count_articles()
    except Exception:  # noqa: BLE001 - the schema may not exist yet
        return 0
    finally:
        repo.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_tie_to_parent_asks_for_sigterm_and_sees_a_parent_that_is_already_gone() -> None:
    # In a process of its own: PR_SET_PDEATHSIG on the test runner would outlive the test.
    code = (
        "import ctypes, ctypes.util, os, signal\n"
        "from crawler.crawl.runner import tie_to_parent\n"
        "assert tie_to_parent(os.getppid())\n"
        "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
        "sig = ctypes.c_int(0)\n"
        "assert libc.prctl(2, ctypes.byref(sig), 0, 0, 0) == 0  # PR_GET_PDEATHSIG\n"
        "assert sig.value == signal.SIGTERM, sig.value\n"
        "assert not tie_to_parent(os.getppid() + 1)  # a parent that died before the prctl\n"
        "assert tie_to_parent(None)  # not a child of anything we know: nothing to check\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


FORKSERVER_TWICE = (
    "import os, signal, sys, time\n"
    "from pathlib import Path\n"
    "from crawler.config import load_settings\n"
    "from crawler.crawl.runner import run_crawl\n"
    "settings = load_settings(sys.argv[1])\n"
    "first = run_crawl(settings, settings.sources, start_method='forkserver')\n"
    "def servers():\n"
    "    found = []\n"
    "    for entry in Path('/proc').iterdir():\n"
    "        try:\n"
    "            ppid = int(entry.joinpath('stat').read_text().rsplit(')', 1)[1].split()[1])\n"
    "            cmd = entry.joinpath('cmdline').read_bytes()\n"
    "        except (OSError, ValueError):\n"
    "            continue\n"
    "        if ppid == os.getpid() and b'forkserver' in cmd:\n"
    "            found.append(int(entry.name))\n"
    "    return found\n"
    "(server,) = servers()\n"
    "os.kill(server, signal.SIGKILL)  # the OOM killer, say\n"
    "time.sleep(0.5)\n"
    "second = run_crawl(settings, settings.sources, start_method='forkserver')\n"
    "(again,) = servers()\n"
    "rep = second.sources[0]\n"
    "print(first.total('new_articles'), rep.ok, rep.not_modified, again != server)\n"
)


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="no fork server on this platform")
def test_a_killed_fork_server_is_started_again_for_the_next_crawl(site: SiteServer, sqlite_url: str,
                                                                   tmp_path: Path) -> None:
    for n in (1, 2):
        site.add(f"/a/{n}", story(n))
    publish_rss(site, "/feed.xml", [site.url("/a/1"), site.url("/a/2")])
    cfg = tmp_path / "dealradar.yaml"
    cfg.write_text(yaml.safe_dump({
        "storage": {"url": sqlite_url},
        "crawl": {"allow_private_addresses": True, "delay": "0s", "autothrottle": False, "max_article_age": "3650d",
                  "workers": 1},
        "sources": [{"name": "wire", "feed": site.url("/feed.xml")}],
    }))
    out = subprocess.run([sys.executable, "-c", FORKSERVER_TWICE, str(cfg)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    # The first pass stored both; the second ran from a new server, and the feed had not changed.
    assert out.stdout.split() == ["2", "True", "True", "True"], out.stdout + out.stderr[-2000:]
