"""A small database of deals for the web tests, stored through the real parser and repository: three companies,
two outlets disagreeing on one figure (a conflict), and an article full of hostile markup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from conftest import make_settings

from crawler.app import build_processor
from crawler.cli.sitehost import article_page
from crawler.config import Settings
from crawler.crawl.items import ArticleItem
from storage.repository import Repository

TOKEN = "test-token-0123456789abcdef"
HOSTILE = '<script>alert("x")</script> "><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class Story:
    url: str
    outlet: str
    title: str
    body: str
    published: str


STORIES = [
    Story("https://wire.example/northwind", "wire.example", "Northwind Vision raises $60 million Series B",
          "Northwind Vision, a Seattle startup building AI models for warehouse cameras, has raised $60 million "
          "in a Series B round led by Alder Peak Capital. Existing investor Cedar Row Ventures also took part.",
          "2026-11-10T09:00:00Z"),
    Story("https://daily.example/northwind", "daily.example", "Northwind Vision gets $80 million for AI cameras",
          "Northwind Vision, the AI camera startup, has raised $80 million in a Series B round led by Alder Peak "
          "Capital, the company said on Tuesday.", "2026-11-10T15:00:00Z"),
    Story("https://wire.example/tessel", "wire.example", "Tessel AI raises $25 million Series A",
          "Tessel AI, which trains language models for lawyers, has raised $25 million in a Series A round led by "
          "Meridian Growth.", "2026-11-12T10:00:00Z"),
    Story("https://daily.example/corvane", "daily.example", "Corvane secures $250 million credit facility",
          "Corvane, which runs GPU clusters for AI labs, has secured a $250 million credit facility from Northgate "
          "Capital to buy more chips, the company said.", "2026-11-14T10:00:00Z"),
]

HOSTILE_STORY = Story(
    "https://evil.example/story", "evil.example", f"Quillmark {HOSTILE} raises $40 million",
    f"Quillmark, an AI startup writing contracts, has raised $40 million in a Series B round led by Harbor Peak "
    f"Ventures. {HOSTILE} Visit javascript:alert(document.cookie) for more.", "2026-11-15T10:00:00Z")


def settings_for(db_url: str, **web: object) -> Settings:
    return make_settings(db_url, [], web={"token": TOKEN, **web})


def store(repo: Repository, settings: Settings, stories: list[Story], *, now: datetime | None = None) -> None:
    processor = build_processor(settings, repo)
    for st in stories:
        html = article_page(st.title, [st.body, "More details followed later in the day."], published=st.published)
        processor.process(ArticleItem(url=st.url, source="test", outlet=st.outlet, html=html),
                          now=now or datetime(2026, 11, 16, tzinfo=UTC))


def fill(db_url: str, *, hostile: bool = False) -> tuple[Settings, Repository]:
    settings = settings_for(db_url)
    repo = Repository.open(db_url)
    store(repo, settings, STORIES + ([HOSTILE_STORY] if hostile else []))
    return settings, repo


def stored_record(company: str, amount: float, *, sentence: str, deal_type: str = "equity",
                  round_: str | None = "Series A", investors: tuple[str, ...] = ("Harbor Peak Ventures",),
                  status: str = "closed") -> dict[str, object]:
    """A deal record as the parser emits it, for storing articles without parsing them."""
    from crawler.record import deal_record

    return deal_record(company=company, deal_type=deal_type, amount_usd=amount, amount_text=f"${amount / 1e6:g} million",
                       currency="USD", round=round_, investors=investors, lead_investors=investors[:1],
                       valuation_usd=None, status=status, ai_related=True, confidence=0.9,
                       evidence=[{"text": sentence, "start": 0, "end": len(sentence)}])


def store_record(repo: Repository, url: str, title: str, record: dict[str, object], *, published: datetime,
                 outlet: str = "raw.example") -> None:
    """Store one article with one deal record, as the crawl would after parsing (any URL, even a hostile one)."""
    from crawler.article import ExtractedArticle, content_hash, simhash

    text = f"{title}. {record['evidence'][0]['text']}"  # type: ignore[index]
    art = ExtractedArticle(url=url, source="test", outlet=outlet, title=title, text=text, published=published,
                           published_from="page", language="en", content_hash=content_hash(text + url),
                           simhash=simhash(text + url), fetched_at=published)
    repo.store_article(art, is_deal=True, records=[record], now=published)
