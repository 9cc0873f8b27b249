"""A synthetic news web for the benchmarks: templated articles served by many outlet servers on 127.0.0.1.

Every word of the generated text comes from the templates and name parts below, written for this
project: companies, investors, outlets and people are fictional (the cities are real places). A web has:

- deal stories (equity rounds, debt, acquisitions, compute commitments, data centres, joint
  ventures; rumoured, announced or closed), each covered by one to three outlets in different
  words, a few of them with a disagreeing figure;
- non-deal stories (launches, hires, research, regulation, outages) with numbers that are not deals;
- syndicated copies (the same text on another outlet) and lightly edited copies (near-duplicates);
- page furniture on every page: a ticker of other deal headlines with amounts, related stories,
  an advert, a newsletter box, comments and a long footer.

Outlets cycle through RSS, Atom, news sitemap and listing page. ``NewsWeb`` is deterministic for a
given seed and day, so a benchmark can regenerate exactly the pages a server process is serving.

    with serve_newsweb(articles=2000, outlets=20) as web:
        sources = web.sources()        # DealRadar source dicts (feed/sitemap/start_urls + outlet)
        urls = web.article_urls()      # every article page
        web.stats()                    # what the servers were asked, with timestamps

Run it alone to look at the web: ``python benchmarks/newsweb.py --articles 200 --serve 60``.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing as mp
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KINDS = ("rss", "atom", "sitemap", "listing")

# ---- name parts (fictional) ------------------------------------------------------------------

_HEADS = ("Vel", "Quor", "Nim", "Astr", "Cal", "Dren", "Ober", "Pell", "Tarn", "Zeph", "Mor", "Lum", "Kest", "Fen",
          "Brav", "Cor", "Hal", "Isk", "Jov", "Ravel", "Sol", "Trel", "Umber", "Wex", "Yar", "Glim", "Oct", "Plen")
_TAILS = ("ora", "ix", "ent", "ara", "on", "ium", "ova", "ex", "ica", "eon", "ant", "is", "ane", "yte", "ulo")
_CO_SUFFIX = ("", "", "", " AI", " Labs", " Systems", " Robotics", " Analytics", " Bio", " Compute")
_INV_WORDS = ("Harrowgate", "Bellmoor", "Cinderpeak", "Ashcombe", "Wrenfield", "Stonebridge", "Larkspur",
              "Eastmarch", "Greyhollow", "Pinecrest", "Northvale", "Redwater", "Silverleaf", "Oakhurst",
              "Blackfen", "Kingsrow", "Highmoor", "Copperline", "Tidewell", "Foxglove", "Ironbark", "Marrow")
_INV_KINDS = ("Capital", "Ventures", "Partners", "Growth", "Investments", "Fund", "Holdings")
_PROVIDERS = ("Stratocloud", "Nimbus Grid", "Helix Cloud", "Arcway Compute", "Brightstack")
_FIRST = ("Amara", "Tobias", "Ines", "Ravi", "Mei", "Jonas", "Lucia", "Kwame", "Sofia", "Dmitri", "Hana", "Omar",
          "Greta", "Tomas", "Priya", "Felix", "Noor", "Elena", "Mateo", "Yuki", "Sanne", "Idris", "Clara", "Bao")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Castellanos", "Varga", "Nakashima", "Brennan", "Adeyemi", "Halvorsen",
         "Ricci", "Sorensen", "Mbeki", "Kowalczyk", "Duarte", "Ferreira", "Ostrowski", "Tanaka", "Whitlock")
_CITIES = ("Lisbon", "Toronto", "Austin", "Berlin", "Seoul", "Nairobi", "Lyon", "Bangalore", "Melbourne",
           "Helsinki", "Denver", "Tel Aviv", "Warsaw", "Montreal", "Singapore", "Edinburgh", "Boston", "Madrid")
_FIELDS = ("speech models for call centres", "code review agents for software teams",
           "protein design models for drug makers", "vision systems for warehouse robots",
           "large language models for legal research", "chips that run neural networks at the edge",
           "forecasting software for power grids", "AI agents that file insurance claims",
           "translation models for customer support", "models that read medical scans",
           "training infrastructure for foundation models", "autonomous inspection drones",
           "fraud detection models for banks", "AI tutors for secondary schools",
           "synthetic data tools for self-driving cars", "search engines built on language models")
_INDUSTRIES = ("shipping", "healthcare", "retail banking", "logistics", "agriculture", "energy", "insurance")
_REGIONS = ("Europe", "Southeast Asia", "Latin America", "the Middle East", "North America", "Japan")
_ROUNDS = ("Seed", "Series A", "Series B", "Series C", "Series D", "Series E")
_OUTLET_NAMES = ("Ledger Wire", "Circuit Daily", "The Funding Desk", "Signal & Noise", "Capital Bytes",
                 "Machine Weekly", "The Term Sheet Post", "Venture Lantern", "Byteline", "Compute Courier",
                 "The Model Report", "Startup Harbour", "Deal Street Journal", "Neural Times", "The Cap Table",
                 "Frontier Ledger", "Data Tribune", "The Seed Round", "Silicon Almanac", "Growth Gazette")
_SECTIONS = ("Home", "AI", "Startups", "Venture", "Enterprise", "Chips", "Cloud", "Policy", "Science", "Markets",
             "Opinion", "Events", "Podcasts", "Newsletters", "Video", "Jobs", "About", "Contact", "Advertise",
             "Subscribe")
_COMMENTERS = ("quietcompiler", "gridwatcher", "sam_the_analyst", "node_zero", "pivot_table", "lowlatency",
               "coffee_and_capex", "marginal_cost", "tensor_tom", "skeptical_vc", "late_adopter")
_COMMENTS = ("Another week, another round. Curious what the revenue looks like behind that valuation.",
             "I used their product last year and it was rough, hope the money goes into reliability.",
             "The compute bill alone will eat half of this.", "Good to see some activity outside the usual hubs.",
             "Who is actually buying this? Genuine question.", "The headline number is doing a lot of work here.",
             "They were hiring aggressively even before this, makes sense now.",
             "Would love a follow-up on how the earlier investors feel about the terms.",
             "Great reporting, thanks for the detail on the investors.", "Bubble talk in 3, 2, 1...")


def _company(rng: random.Random) -> str:
    return rng.choice(_HEADS) + rng.choice(_TAILS) + rng.choice(_CO_SUFFIX)


def _investor(rng: random.Random) -> str:
    return f"{rng.choice(_INV_WORDS)} {rng.choice(_INV_KINDS)}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def money(usd_millions: float, currency: str = "$") -> str:
    if usd_millions >= 1000:
        b = usd_millions / 1000
        return f"{currency}{b:.1f} billion".replace(".0 billion", " billion")
    return f"{currency}{usd_millions:.0f} million"


def _amount(rng: random.Random, deal_type: str, round_: str | None) -> float:
    if deal_type == "equity":
        base = {"Seed": 4, "Series A": 18, "Series B": 45, "Series C": 120, "Series D": 300, "Series E": 700}
        return round(base.get(round_ or "", 60) * rng.uniform(0.6, 1.8))
    if deal_type in ("infrastructure", "compute_commitment"):
        return rng.choice((500, 800, 1200, 2500, 4000, 10000))
    if deal_type == "acquisition":
        return rng.choice((90, 150, 240, 400, 650, 1100))
    return rng.choice((100, 250, 400, 750, 1500))


# ---- templates ---------------------------------------------------------------------------------
# Each template is a format string over the slots of a story; "{A}" is the (per-article) amount.

_LEADS = {
    ("equity", "closed"): (
        "{co}, a {city} startup that builds {field}, has raised {A} in a {round} round led by {lead}.",
        "{co} said on {day} it had closed a {A} {round} led by {lead}, with {co_inv} also taking part.",
        "{Field} developer {co} has secured {A} in {round} funding from a group of investors headed by {lead}.",
        "{lead} has led a {A} {round} investment in {co}, the {city} company behind {field}.",
    ),
    ("equity", "announced"): (
        "{co} has agreed to a {A} {round} led by {lead}, and expects the round to close next month.",
        "{co}, which makes {field}, announced a {A} {round} on {day}, with {lead} signed on as lead investor.",
    ),
    ("equity", "rumored"): (
        "{co} is in talks to raise about {A} in a new round led by {lead}, people familiar with the matter said.",
        "{lead} is nearing a deal to lead a {A} investment in {co}, according to two people briefed on the plans.",
    ),
    ("debt", "closed"): (
        "{co} has secured a {A} credit facility from {lead} and {co_inv} to pay for chips and data-centre space.",
        "{co}, the {city} maker of {field}, said it had raised {A} in debt financing arranged by {lead}.",
    ),
    ("debt", "announced"): (
        "{co} has signed a {A} loan agreement with {lead}, the company said in a statement on {day}.",
    ),
    ("acquisition", "announced"): (
        "{buyer} has agreed to buy {co}, a {city} maker of {field}, for {A} in cash and stock.",
        "{buyer} will acquire {co} for {A}, the companies said on {day}, in a deal expected to close this quarter.",
    ),
    ("acquisition", "rumored"): (
        "{buyer} is in advanced talks to acquire {co} for roughly {A}, according to people familiar with the talks.",
    ),
    ("compute_commitment", "announced"): (
        "{co} has committed to spend {A} on cloud computing from {provider} over the next five years.",
        "{co} signed a {A} agreement to rent computing capacity from {provider}, the companies said on {day}.",
    ),
    ("infrastructure", "announced"): (
        "{co} plans to invest {A} in a new data-centre campus outside {city} to train and serve its models.",
        "{co} said on {day} it would spend {A} building AI data centres in {region} over the next three years.",
    ),
    ("joint_venture", "announced"): (
        "{co} and {partner} are forming a {A} joint venture to build AI systems for {industry}.",
        "{partner} will put {A} into a joint venture with {co} focused on AI tools for {industry}, they said.",
    ),
}
_DEAL_TYPES = (("equity", 0.55), ("debt", 0.1), ("acquisition", 0.1), ("compute_commitment", 0.08),
               ("infrastructure", 0.09), ("joint_venture", 0.08))
_DETAILS = (
    "The round values {co} at {val}, according to a person with knowledge of the terms.",
    "Existing backers {co_inv} and {co_inv2} also put money in.",
    "{ceo}, {co}'s chief executive, said the money would go toward hiring engineers and expanding into {region}.",
    "The company did not say how the money would be split between hiring and computing costs.",
    "{lead} declined to comment on the size of its stake.",
)
_BACKGROUND = (
    "{co} has raised {bg} to date.",
    "In {year} it raised {bg} in a {prev_round} led by {co_inv2}.",
    "Rival {rival} raised {rival_amt} earlier this year, and {rival2} was valued at {rival_val} in its last round.",
    "The company was previously valued at {bg_val} when it last raised money.",
)
_FILLER = (
    "{co} was founded in {year} by {ceo} and {cto}, who previously worked on {topic} at a large software company.",
    "The company says its software is used by about {n} customers, most of them in {industry} and {industry2}.",
    "\"{quote}\" {ceo} said in an interview.",
    "Investors have poured money into {sector} this year as companies look for ways to cut the cost of {chore}.",
    "{co} employs about {n2} people and expects to double that number by the end of next year.",
    "{co} competes with {rival} and {rival2}, both of which sell {field} to large companies.",
    "Analysts say the market for {field} is still young, and that few customers have moved beyond pilots.",
    "{cto}, the company's technical chief, said the team had cut the cost of running its models by {pct} percent.",
    "The company plans to open an office in {city2} and to add customers in {region} before the end of the year.",
    "Demand for {sector} has grown quickly, though some buyers remain wary of sending sensitive data to outside firms.",
    "Its largest customer, a {industry} company it would not name, uses the system across {n3} sites.",
    "Early users report that the tools save their staff several hours a week, according to the company.",
    "{co} sells its software on yearly contracts priced by usage, an approach {ceo} said made budgets easier to plan.",
    "Most of the company's {n2} staff work remotely, with small teams in {city} and {city2}.",
    "The company trains its own models rather than relying only on ones licensed from larger labs, {cto} said.",
    "A pilot with a {industry} group last year led to a contract covering {n3} countries, the company said.",
    "Some customers have asked for the system to run on their own servers, which {co} began offering in the spring.",
    "{ceo} said the company would keep its headquarters in {city} even as it hires abroad.",
    "Hiring experienced engineers remains the main constraint, {ceo} said, more than the price of chips.",
    "The company publishes a yearly report on how its models perform on tasks its customers care about.",
)
_QUOTES = (
    "We want to be the default choice for every team that has this problem.",
    "The hard part was never the model, it was getting it to work inside real companies.",
    "We spent two years listening to customers before we wrote a line of code.",
    "This gives us the runway to build what our customers have been asking for.",
    "Nobody should have to choose between accuracy and cost.",
)
_TOPICS = ("search ranking", "speech recognition", "database engines", "robot control", "compiler design",
           "recommendation systems", "payments infrastructure")
_SECTORS = ("AI agents", "model training infrastructure", "applied machine learning", "AI chips", "vertical AI software")
_CHORES = ("customer service", "paperwork", "software testing", "inventory planning", "compliance checks")

_NONDEAL = (
    ("{co} launches {product} for {industry} teams",
     ("{co} on {day} released {product}, a tool that uses {field_short} to help {industry} teams with {chore}.",
      "The product is available now in {region} and will reach other markets later this year, the company said.",
      "Pricing starts at {price} per user per month, and a free tier covers small teams.")),
    ("{co} hires {person} as chief technology officer",
     ("{co}, the {city} company that makes {field}, has hired {person} as chief technology officer.",
      "{person} previously led a team of {n} engineers working on {topic}.",
      "The company said the hire was part of a plan to grow its engineering staff to {n2} people.")),
    ("Researchers at {co} report gains on {topic} benchmark",
     ("Researchers at {co} published a paper on {day} describing a method that improves {topic} accuracy by {pct} "
      "percent on a widely used benchmark.",
      "The team said the approach needs {pct2} percent less computing power than earlier methods.",
      "Other researchers cautioned that benchmark gains do not always carry over to real products.")),
    ("Regulators in {region} publish draft rules for {sector}",
     ("Regulators in {region} on {day} published draft rules that would require companies selling {sector} to "
      "disclose how their systems were trained.",
      "Industry groups have {n3} weeks to comment on the draft before a final version is due next year.",
      "{co} and {rival} were among the companies that took part in earlier consultations.")),
    ("{co} says outage disrupted service for {n3} hours",
     ("{co} said a failure in one of its data centres knocked its service offline for about {n3} hours on {day}.",
      "The company said no customer data was lost and that it would publish a full report next week.",
      "Customers in {industry} were hit hardest, according to posts on the company's status page.")),
    ("{co} passes {arr} in annual revenue",
     ("{co} said its annual recurring revenue passed {arr}, up from roughly half that a year ago.",
      "The company, which makes {field}, said it was not raising money and had no plans to.",
      "{ceo} said the company had been profitable for two quarters.")),
)
_PRODUCTS = ("Atlas", "Beacon", "Cadence", "Drift", "Ember", "Fathom", "Gauge", "Harbor", "Keel", "Lattice")


@dataclass
class Article:
    id: int
    outlet: int
    slug: str
    title: str
    published: datetime
    paragraphs: list[str]
    kind: str  # deal | nondeal | syndicated | edited
    story: int
    ticker: list[str] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # (path, title)
    comments: list[tuple[str, str]] = field(default_factory=list)
    author: str = ""

    @property
    def path(self) -> str:
        d = self.published
        return f"/news/{d:%Y/%m/%d}/{self.slug}-{self.id}"


@dataclass
class Outlet:
    index: int
    name: str
    kind: str
    articles: list[Article] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"outlet{self.index:02d}"

    @property
    def index_path(self) -> str:
        return {"rss": "/feed.xml", "atom": "/atom.xml", "sitemap": "/news-sitemap.xml", "listing": "/news/"}[self.kind]


def _slug(title: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in title)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")[:70]


class NewsWeb:
    """A generated web: ``outlets`` with their ``articles``; pages and index documents on demand."""

    def __init__(self, articles: int = 2000, outlets: int = 20, *, seed: int = 7, day: datetime | None = None) -> None:
        self.n_articles, self.n_outlets, self.seed = articles, outlets, seed
        self.day = (day or datetime.now(UTC)).replace(hour=12, minute=0, second=0, microsecond=0)
        self.rng = random.Random(seed)
        self.outlets = [Outlet(i, _OUTLET_NAMES[i % len(_OUTLET_NAMES)] + (f" {i // len(_OUTLET_NAMES) + 1}"
                               if i >= len(_OUTLET_NAMES) else ""), KINDS[i % len(KINDS)]) for i in range(outlets)]
        self.articles: list[Article] = []
        self.deal_headlines: list[str] = []
        self.counts = {"deal": 0, "nondeal": 0, "syndicated": 0, "edited": 0, "deal_stories": 0, "conflicting": 0}
        self._generate()

    # ---- generation ----

    def _slots(self, rng: random.Random) -> dict[str, Any]:
        co = _company(rng)
        field_ = rng.choice(_FIELDS)
        s = {
            "co": co, "city": rng.choice(_CITIES), "city2": rng.choice(_CITIES), "field": field_,
            "Field": field_[0].upper() + field_[1:], "field_short": field_.split(" for ")[0],
            "lead": _investor(rng), "co_inv": _investor(rng), "co_inv2": _investor(rng),
            "buyer": _company(rng), "partner": _company(rng), "provider": rng.choice(_PROVIDERS),
            "industry": rng.choice(_INDUSTRIES), "industry2": rng.choice(_INDUSTRIES), "region": rng.choice(_REGIONS),
            "ceo": _person(rng), "cto": _person(rng), "person": _person(rng), "year": rng.randint(2015, 2023),
            "day": rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
            "n": rng.randint(40, 900), "n2": rng.randint(30, 400), "n3": rng.randint(2, 30),
            "pct": rng.randint(12, 70), "pct2": rng.randint(10, 60), "rival": _company(rng), "rival2": _company(rng),
            "rival_amt": money(rng.choice((20, 35, 60, 90, 150))), "rival_val": money(rng.choice((400, 900, 2000))),
            "topic": rng.choice(_TOPICS), "sector": rng.choice(_SECTORS), "chore": rng.choice(_CHORES),
            "quote": rng.choice(_QUOTES), "product": f"{co.split()[0]} {rng.choice(_PRODUCTS)}",
            "price": f"${rng.choice((9, 15, 29, 49))}", "arr": money(rng.choice((12, 25, 40, 75, 120))),
            "prev_round": rng.choice(_ROUNDS[:3]),
        }
        s["bg"] = money(rng.choice((30, 55, 80, 140, 260)))
        s["bg_val"] = money(rng.choice((300, 600, 1500, 3000)))
        return s

    def _filler(self, rng: random.Random, slots: dict[str, Any], n: int) -> list[str]:
        picks = rng.sample(_FILLER, n)
        return [p.format(**slots) for p in picks]

    def _deal_article(self, rng: random.Random, story: dict[str, Any], amount: float) -> tuple[str, list[str]]:
        slots = dict(story["slots"])
        # Each outlet words the story its own way: new filler draws, own names for the people it quotes.
        slots.update({k: v for k, v in self._slots(rng).items() if k in ("n", "n2", "n3", "pct", "quote", "city2",
                                                                          "industry2", "topic", "sector", "chore")})
        slots["A"] = money(amount)
        slots["round"] = story["round"] or ""
        slots["val"] = money(story["valuation"])
        lead = rng.choice(_LEADS[(story["type"], story["status"])]).format(**slots)
        paras = [lead]
        details = [d for d in _DETAILS if story["type"] == "equity" or "values" not in d]
        paras.append(" ".join(d.format(**slots) for d in rng.sample(details, 2)))
        paras += self._filler(rng, slots, rng.randint(5, 9))
        paras.insert(rng.randint(2, len(paras)), " ".join(b.format(**slots) for b in rng.sample(_BACKGROUND, 2)))
        verb = {"rumored": "in talks for", "announced": "agrees", "closed": "raises"}[story["status"]]
        titles = {
            "equity": f"{slots['co']} {verb} {money(amount)} {story['round'] or ''} led by {slots['lead']}",
            "debt": f"{slots['co']} lines up {money(amount)} in debt from {slots['lead']}",
            "acquisition": f"{slots['buyer']} to buy {slots['co']} for {money(amount)}",
            "compute_commitment": f"{slots['co']} commits {money(amount)} to {slots['provider']} cloud",
            "infrastructure": f"{slots['co']} plans {money(amount)} AI data-centre build-out",
            "joint_venture": f"{slots['co']} and {slots['partner']} form {money(amount)} AI venture",
        }
        title = " ".join(titles[story["type"]].split())
        return title, paras

    def _nondeal_article(self, rng: random.Random) -> tuple[str, list[str]]:
        slots = self._slots(rng)
        title_t, paras_t = rng.choice(_NONDEAL)
        paras = [p.format(**slots) for p in paras_t] + self._filler(rng, slots, rng.randint(5, 9))
        return title_t.format(**slots), paras

    def _pick_outlets(self, rng: random.Random, k: int) -> list[int]:
        return rng.sample(range(self.n_outlets), min(k, self.n_outlets))

    def _add(self, outlet: int, title: str, paras: list[str], kind: str, story: int, published: datetime) -> Article:
        art = Article(len(self.articles), outlet, _slug(title), title, published, paras, kind, story,
                      author=_person(self.rng))
        self.articles.append(art)
        self.outlets[outlet].articles.append(art)
        self.counts[kind] += 1
        return art

    def _generate(self) -> None:
        rng = self.rng
        n_synd = round(self.n_articles * 0.10) if self.n_outlets > 1 else 0
        n_edit = round(self.n_articles * 0.05) if self.n_outlets > 1 else 0
        n_orig = self.n_articles - n_synd - n_edit
        story = 0
        while len(self.articles) < n_orig:
            story += 1
            published = self.day - timedelta(minutes=rng.randint(0, 5 * 24 * 60))
            if rng.random() < 0.42:
                dtype = rng.choices([t for t, _ in _DEAL_TYPES], [w for _, w in _DEAL_TYPES])[0]
                statuses = [s for (t, s) in _LEADS if t == dtype]
                status = rng.choice(statuses)
                round_ = rng.choice(_ROUNDS) if dtype == "equity" else None
                amount = _amount(rng, dtype, round_)
                st = {"slots": self._slots(rng), "type": dtype, "status": status, "round": round_,
                      "valuation": amount * rng.choice((5, 8, 10, 12, 20))}
                k = min(rng.choice((1, 1, 2, 2, 3)), n_orig - len(self.articles))
                conflict = k > 1 and rng.random() < 0.15
                self.counts["deal_stories"] += 1
                self.counts["conflicting"] += int(conflict)
                for j, o in enumerate(self._pick_outlets(rng, k)):
                    figure = amount * (1.4 if conflict and j == k - 1 else 1.0)
                    title, paras = self._deal_article(rng, st, round(figure))
                    self._add(o, title, paras, "deal", story,
                              published + timedelta(minutes=rng.randint(0, 600)))
                    if j == 0:
                        self.deal_headlines.append(title)
            else:
                title, paras = self._nondeal_article(rng)
                self._add(rng.randrange(self.n_outlets), title, paras, "nondeal", story, published)
        originals = list(self.articles)
        for kind, n in (("syndicated", n_synd), ("edited", n_edit)):
            for _ in range(n):
                src = rng.choice(originals)
                outlet = rng.choice([o for o in range(self.n_outlets) if o != src.outlet])
                paras = list(src.paragraphs)
                title = src.title
                if kind == "edited":  # a sentence reworded and the headline touched: a near-duplicate
                    i = rng.randrange(1, len(paras))
                    paras[i] = paras[i].replace(" the ", " that ", 1) + " The company did not respond to questions."
                    title = title + " (updated)"
                elif rng.random() < 0.5:
                    title = f"{title} - report"
                self._add(outlet, title, paras, kind, src.story, src.published + timedelta(minutes=rng.randint(5, 300)))
        # Furniture, drawn after the texts so that every page's sidebars point at real stories.
        for art in self.articles:
            r = random.Random(self.seed * 1_000_003 + art.id)
            art.ticker = r.sample(self.deal_headlines, min(4, len(self.deal_headlines)))
            peers = self.outlets[art.outlet].articles
            art.related = [(p.path, p.title) for p in r.sample(peers, min(5, len(peers))) if p is not art][:4]
            art.comments = [(r.choice(_COMMENTERS), r.choice(_COMMENTS)) for _ in range(r.randint(0, 6))]

    # ---- rendering ----

    def page(self, art: Article) -> str:
        """The article's HTML page with the furniture real news sites have."""
        e = html.escape
        outlet = self.outlets[art.outlet]
        iso = art.published.isoformat().replace("+00:00", "Z")
        nav = "".join(f'<li class="menu-item"><a href="/{s.lower()}/">{s}</a><ul class="sub-menu">'
                      + "".join(f'<li><a href="/{s.lower()}/{t.lower().replace(" ", "-")}/">{t}</a></li>'
                                for t in _SECTORS) + "</ul></li>" for s in _SECTIONS)
        more = "".join(f'<li><a href="{a.path}"><img src="/img/t{a.id}.jpg" alt=""><span>{e(a.title)}</span></a>'
                       f'<span class="meta">{e(a.author)} &middot; {a.published:%d %b}</span></li>'
                       for a in outlet.articles[:24])
        ticker = "".join(f'<li><a href="/markets/{i}">{e(t)}</a></li>' for i, t in enumerate(art.ticker))
        related = "".join(f'<li><a href="{p}"><h4>{e(t)}</h4></a><p>{e(t)}. Read the full story.</p></li>'
                          for p, t in art.related)
        comments = "".join(f'<li class="comment"><span class="comment-author">{e(u)}</span>'
                           f'<p class="comment-text">{e(c)}</p><a class="reply" href="#">Reply</a></li>'
                           for u, c in art.comments)
        body = []
        for i, p in enumerate(art.paragraphs):
            body.append(f"<p>{e(p)}</p>")
            if i == 1:
                body.append('<div class="advert ad-slot" data-slot="mid"><span>Advertisement</span>'
                            '<a href="/ads/click?id=42">Cloud GPUs from $1/hour. Sign up today.</a></div>')
            if i == 3 and art.related:
                p0, t0 = art.related[0]
                body.append(f'<div class="read-more promo">Read more: <a href="{p0}">{e(t0)}</a></div>')
        footer_links = "".join(f'<li><a href="/{s.lower()}/archive">{s} archive</a></li>' for s in _SECTIONS)
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title,
                         "datePublished": iso, "author": {"@type": "Person", "name": art.author},
                         "publisher": {"@type": "Organization", "name": outlet.name}})
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(art.title)} | {e(outlet.name)}</title>"
            f'<link rel="canonical" href="{art.path}">'
            f'<meta property="og:title" content="{e(art.title)}">'
            f'<meta property="og:site_name" content="{e(outlet.name)}">'
            f'<meta property="article:published_time" content="{iso}">'
            f'<script type="application/ld+json">{ld}</script>'
            "<style>body{font-family:Georgia,serif;margin:0}.ticker{background:#111;color:#eee}"
            ".story-body p{line-height:1.6}.advert{border:1px solid #ccc;padding:8px}</style>"
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
            "gtag('js',new Date());gtag('config','X-000000');</script>"
            "</head><body>"
            f'<header class="site-header"><a class="logo" href="/">{e(outlet.name)}</a>'
            f'<nav class="site-nav" role="navigation"><ul>{nav}</ul></nav>'
            '<form class="search" action="/search"><input name="q" placeholder="Search"></form></header>'
            f'<div class="ticker breaking-bar"><strong>Latest deals</strong><ul>{ticker}</ul></div>'
            '<main id="content"><article class="story">'
            f'<h1 class="headline">{e(art.title)}</h1>'
            f'<div class="byline">By <a rel="author" href="/authors/{_slug(art.author)}">{e(art.author)}</a> '
            f'<time datetime="{iso}">{art.published:%d %B %Y, %H:%M} UTC</time></div>'
            f'<figure class="lead-image"><img src="/img/{art.id}.jpg" alt="Illustration"><figcaption>'
            f"Illustration: {e(outlet.name)} staff</figcaption></figure>"
            f'<div class="story-body">{"".join(body)}</div>'
            '<div class="share social"><a href="#">Share on social</a> <a href="#">Email</a> <a href="#">Copy link</a>'
            "</div></article>"
            f'<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>'
            '<section class="newsletter"><h3>Get the daily briefing</h3><p>The deals that matter, every morning.'
            '</p><form><input type="email" placeholder="you@example.com"><button>Subscribe</button></form></section>'
            f'<section class="more-stories"><h3>More from {e(outlet.name)}</h3><ul>{more}</ul></section>'
            f'<section class="comments" id="comments"><h3>Comments ({len(art.comments)})</h3><ol>{comments}</ol>'
            '<form class="comment-form"><textarea>Join the conversation</textarea><button>Post</button></form>'
            "</section></main>"
            f'<footer class="site-footer"><ul>{footer_links}</ul><p>&copy; {e(outlet.name)}. All rights reserved. '
            "Terms of use. Privacy policy. Cookie settings.</p></footer>"
            '<script>(function(){var s=document.createElement("script");s.src="/static/app.js";'
            "document.body.appendChild(s)})();</script></body></html>"
        )

    def index_document(self, outlet: Outlet, base: str) -> tuple[str, str]:
        """(body, content type) of the outlet's feed, sitemap or listing page, linking to ``base`` URLs."""
        from crawler.cli.sitehost import atom, news_sitemap, rss

        arts = sorted(outlet.articles, key=lambda a: a.published, reverse=True)
        if outlet.kind == "rss":
            return rss([{"title": a.title, "link": base + a.path, "guid": base + a.path,
                         "pubDate": format_datetime(a.published, usegmt=True),
                         "description": a.paragraphs[0][:200]} for a in arts],
                       title=outlet.name, link=base + "/"), "application/rss+xml"
        if outlet.kind == "atom":
            return atom([{"title": a.title, "link": base + a.path, "id": f"urn:{outlet.key}:{a.id}",
                          "updated": a.published.isoformat().replace("+00:00", "Z"),
                          "summary": a.paragraphs[0][:200]} for a in arts],
                        title=outlet.name, feed_id=f"urn:{outlet.key}"), "application/atom+xml"
        if outlet.kind == "sitemap":
            return news_sitemap([{"loc": base + a.path, "title": a.title,
                                  "date": a.published.isoformat().replace("+00:00", "Z")} for a in arts]), \
                "application/xml"
        items = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>' for a in arts)
        nav = "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in _SECTIONS)
        return (f"<!DOCTYPE html><html><head><title>{html.escape(outlet.name)}: latest</title></head><body>"
                f'<nav class="site-nav"><ul>{nav}</ul></nav><h1>Latest news</h1><ul class="river">{items}</ul>'
                '<a href="/news/?page=2">Older stories</a></body></html>'), "text/html; charset=utf-8"

    def source(self, outlet: Outlet, base: str) -> dict[str, Any]:
        """The DealRadar source dict for one outlet served at ``base``."""
        src: dict[str, Any] = {"name": outlet.key, "outlet": outlet.name}
        url = base + outlet.index_path
        if outlet.kind in ("rss", "atom"):
            src["feed"] = url
        elif outlet.kind == "sitemap":
            src["sitemap"] = url
        else:
            src["start_urls"] = [url]
            src["follow"] = r"/news/20\d\d/"
        return src


# ---- serving -----------------------------------------------------------------------------------

ROBOTS = "User-agent: *\nAllow: /\n"


def _site_server() -> Any:
    """A started SiteServer (TCP_NODELAY and a listen backlog of 1024, as production web servers have, so
    the benchmarks measure the crawler and not delayed ACKs and dropped SYNs)."""
    from crawler.cli.sitehost import SiteServer

    return SiteServer().start()


def _serve_newsweb(conn: Any, articles: int, outlets: int, seed: int, day: datetime) -> list[Any]:
    from crawler.cli.sitehost import Reply

    web = NewsWeb(articles, outlets, seed=seed, day=day)
    servers = []
    for outlet in web.outlets:
        server = _site_server()
        server.add("/robots.txt", Reply(ROBOTS, content_type="text/plain"))
        for art in outlet.articles:
            server.add(art.path, Reply(web.page(art)))
        body, ctype = web.index_document(outlet, server.base)
        server.add(outlet.index_path, Reply(body, content_type=ctype))
        servers.append(server)
    return servers


def _serve_feedfarm(conn: Any, feeds: int, servers: int, entries: int, pool: int, seed: int,
                    day: datetime) -> list[Any]:
    """``feeds`` small RSS feeds spread over ``servers`` ports; each lists ``entries`` of a pool of articles."""
    from crawler.cli.sitehost import Reply, rss

    web = NewsWeb(max(pool * servers, 1), 1, seed=seed, day=day)
    out = []
    per = -(-feeds // servers)
    for s in range(servers):
        server = _site_server()
        server.add("/robots.txt", Reply(ROBOTS, content_type="text/plain"))
        arts = web.articles[s * pool:(s + 1) * pool]
        for art in arts:
            server.add(art.path, Reply(web.page(art)))
        r = random.Random(seed + s)
        for f in range(per):
            picked = r.sample(arts, min(entries, len(arts)))
            body = rss([{"title": a.title, "link": server.base + a.path, "guid": server.base + a.path,
                         "pubDate": format_datetime(a.published, usegmt=True)} for a in picked],
                       title=f"Feed {s}-{f}", link=server.base + "/")
            server.add(f"/feeds/{f}.xml", Reply(body, content_type="application/rss+xml",
                                                headers={"Cache-Control": "max-age=60"}))
        out.append(server)
    return out


_BUILDERS = {"newsweb": _serve_newsweb, "feedfarm": _serve_feedfarm}


def _server_main(conn: Any, builder: str, kwargs: dict[str, Any]) -> None:
    servers = _BUILDERS[builder](conn, **kwargs)
    conn.send([s.port for s in servers])
    while True:
        try:
            cmd = conn.recv()
        except EOFError:
            break
        if cmd == "stop":
            break
        if cmd == "stats":
            reqs = [r for s in servers for r in s.requests]
            conn.send({
                "requests": len(reqs),
                "not_modified_candidates": sum(1 for r in reqs if r.headers.get("if-none-match")),
                "first": min((r.at for r in reqs), default=None), "last": max((r.at for r in reqs), default=None),
                "by_prefix": _by_prefix(reqs),
            })
        elif cmd == "reset":
            for s in servers:
                with s._lock:
                    s.requests.clear()
            conn.send(True)
    for s in servers:
        s.stop()


def _by_prefix(reqs: list[Any]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for r in reqs:
        key = r.path.split("/")[1] if r.path.count("/") > 1 else r.path
        d = out.setdefault(key, {"n": 0, "first": r.at, "last": r.at})
        d["n"] += 1
        d["first"] = min(d["first"], r.at)
        d["last"] = max(d["last"], r.at)
    return out


class ServedWeb:
    """Servers running in their own process (so their CPU and memory are not the crawl's)."""

    def __init__(self, builder: str, **kwargs: Any) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_server_main, args=(child, builder, kwargs), name=f"bench-{builder}",
                                 daemon=True)
        self._proc.start()
        self.ports: list[int] = self._conn.recv()
        self.kwargs = kwargs

    @property
    def pid(self) -> int:
        return self._proc.pid or 0

    def base(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def stats(self) -> dict[str, Any]:
        self._conn.send("stats")
        return self._conn.recv()

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stop(self) -> None:
        with suppress(OSError):
            self._conn.send("stop")
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.kill()


class ServedNewsWeb(ServedWeb):
    def __init__(self, articles: int, outlets: int, seed: int, day: datetime) -> None:
        super().__init__("newsweb", articles=articles, outlets=outlets, seed=seed, day=day)
        self.web = NewsWeb(articles, outlets, seed=seed, day=day)  # the same web, for URLs and page bytes

    def sources(self) -> list[dict[str, Any]]:
        return [self.web.source(o, self.base(o.index)) for o in self.web.outlets]

    def article_urls(self) -> list[str]:
        return [self.base(a.outlet) + a.path for a in self.web.articles]

    def index_urls(self) -> list[str]:
        return [self.base(o.index) + o.index_path for o in self.web.outlets]


@contextmanager
def serve_newsweb(articles: int = 2000, outlets: int = 20, *, seed: int = 7,
                  day: datetime | None = None) -> Iterator[ServedNewsWeb]:
    web = ServedNewsWeb(articles, outlets, seed, day or datetime.now(UTC))
    try:
        yield web
    finally:
        web.stop()


@contextmanager
def serve_feedfarm(feeds: int = 1000, servers: int = 20, *, entries: int = 3, pool: int = 10, seed: int = 11,
                   day: datetime | None = None) -> Iterator[ServedWeb]:
    farm = ServedWeb("feedfarm", feeds=feeds, servers=servers, entries=entries, pool=pool, seed=seed,
                     day=day or datetime.now(UTC))
    farm.feed_urls = [f"{farm.base(s)}/feeds/{f}.xml"  # type: ignore[attr-defined]
                      for s in range(servers) for f in range(-(-feeds // servers))][:feeds]
    try:
        yield farm
    finally:
        farm.stop()


# ---- shared helpers for the benchmark scripts ----------------------------------------------------

def bench_settings(db_url: str, sources: list[dict[str, Any]], *, concurrency_per_host: int = 16,
                   concurrency: int = 32, workers: int = 0, channels: list[dict[str, Any]] | None = None) -> Any:
    """DealRadar settings for a benchmark against local servers: no delay, no AutoThrottle, more concurrency."""
    from crawler.config import settings_from_dict

    crawl = {"allow_private_addresses": True, "obey_robots": True, "delay": "0s", "autothrottle": False,
             "concurrency_per_host": concurrency_per_host, "concurrency": concurrency, "timeout": "30s",
             "retries": 1, "max_article_age": "3650d", "workers": workers}
    data: dict[str, Any] = {"storage": {"url": db_url}, "crawl": crawl, "sources": sources}
    if channels:
        data["alerts"] = {"channels": channels}
    return settings_from_dict(data, env={})


class ProcessSampler:
    """Samples a process tree from /proc (no psutil needed): resident and proportional memory, CPU time.

    Every descendant of ``root`` (default: this process) counts, except the pids in ``exclude`` (the
    web servers). ``peak_rss``/``peak_pss`` are the largest sums over one sample; ``cpu`` keeps the
    last CPU seconds seen per process, labelled by ``label(pid, cmdline)``."""

    def __init__(self, root: int | None = None, *, exclude: tuple[int, ...] = (), interval: float = 0.05) -> None:
        import os
        import threading

        self.root = root or os.getpid()
        self.exclude = set(exclude)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self.peak_by_role: dict[str, int] = {}
        self.cpu: dict[int, tuple[str, float]] = {}
        self.samples = 0
        self.own_cpu = 0.0
        self.max_rss_by_pid: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="proc-sampler")
        self._tick = os.sysconf("SC_CLK_TCK")
        self._page = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> ProcessSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[tuple[int, int]]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [(self.root, 0)]
        while todo:
            pid, depth = todo.pop()
            if pid in self.exclude:
                continue
            out.append((pid, depth))
            todo.extend((c, depth + 1) for c in children.get(pid, ()))
        return out

    DEPTH_NAMES = ("parent", "crawl child", "worker")

    def role(self, pid: int, depth: int) -> str:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return "?"
        if "resource_tracker" in cmd:
            return "mp helper"
        return self.DEPTH_NAMES[min(depth, len(self.DEPTH_NAMES) - 1)]

    def _sample(self) -> None:
        rss = pss = 0
        by_pid: dict[int, int] = {}
        for pid, depth in self._tree():
            base = Path(f"/proc/{pid}")
            try:
                stat = (base / "stat").read_text().rsplit(")", 1)[1].split()
                rss_p = int(stat[21]) * self._page
                cpu = (int(stat[11]) + int(stat[12])) / self._tick
                try:
                    rollup = (base / "smaps_rollup").read_text()
                    pss_p = next(int(ln.split()[1]) * 1024 for ln in rollup.splitlines() if ln.startswith("Pss:"))
                except (OSError, StopIteration):
                    pss_p = rss_p
            except (OSError, ValueError, IndexError):
                continue
            rss += rss_p
            pss += pss_p
            by_pid[pid] = rss_p
            self.max_rss_by_pid[pid] = max(self.max_rss_by_pid.get(pid, 0), rss_p)
            prev = self.cpu.get(pid)
            self.cpu[pid] = (prev[0] if prev else self.role(pid, depth), cpu)
        self.samples += 1
        if rss > self.peak_rss:
            self.peak_rss = rss
            self.peak_by_role = {f"{self.cpu[p][0]}:{p}": v for p, v in by_pid.items()}
        self.peak_pss = max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)
        self._sample()
        self.own_cpu = time.thread_time()  # the sampler's own cost, to take off the parent's CPU

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, secs in self.cpu.values():
            out[role] = out.get(role, 0.0) + secs
        return out

    def max_rss_by_role(self) -> dict[str, tuple[int, int]]:
        """Per role: (largest RSS of one process, number of processes) over the whole run."""
        out: dict[str, tuple[int, int]] = {}
        for pid, v in self.max_rss_by_pid.items():
            role = self.cpu[pid][0]
            top, n = out.get(role, (0, 0))
            out[role] = (max(top, v), n + 1)
        return out

    def peak_by_role_sum(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, v in self.peak_by_role.items():
            role = key.rsplit(":", 1)[0]
            out[role] = out.get(role, 0) + v
        return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of one live process."""
    import os

    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    import os

    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kb = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                      if ln.startswith("MemTotal")))
        ram = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "?"
    try:
        load = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        load = "?"
    return f"{os.cpu_count()} cores, {model}, {ram} RAM, Python {sys.version.split()[0]}; load average now {load}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Generate (and optionally serve) the synthetic news web.")
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--outlets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print the text of this many articles")
    ap.add_argument("--serve", type=float, default=0, help="serve the web for this many seconds")
    args = ap.parse_args()
    web = NewsWeb(args.articles, args.outlets, seed=args.seed)
    sizes = [len(web.page(a).encode()) for a in web.articles]
    print(f"{len(web.articles)} articles on {len(web.outlets)} outlets {web.counts}; "
          f"page size mean {sum(sizes) / len(sizes) / 1024:.1f} KiB")
    for a in web.articles[: args.show]:
        print(f"\n[{a.kind}] {web.outlets[a.outlet].name}: {a.title}\n  " + "\n  ".join(a.paragraphs))
    if args.serve:
        with serve_newsweb(args.articles, args.outlets, seed=args.seed) as served:
            for src in served.sources():
                print(src)
            time.sleep(args.serve)


if __name__ == "__main__":
    main()
