"""Composition root: settings in, wired components out. Nothing else builds objects from settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from crawler.alerts.rules import AlertRules, should_alert
from crawler.config import ChannelSettings, Settings
from crawler.crawl.pipeline import ArticleProcessor
from crawler.events import ResolutionPolicy
from storage.repository import ChannelRoute, Repository

if TYPE_CHECKING:
    from crawler.deals import Resources

_RULE_KEYS = ("min_amount_usd", "ai_only", "companies", "investors", "deal_types", "events")
# AlertRules fields that exist in the channel config too; the rest keep AlertRules' defaults.


def parser_resources(settings: Settings) -> Resources:
    from crawler.deals import load_resources

    return load_resources(aliases_path=settings.deals.aliases, rates_path=settings.deals.currency_rates)


def resolution_policy(settings: Settings) -> ResolutionPolicy:
    return ResolutionPolicy(window=settings.deals.window, tolerance=settings.deals.conflict_tolerance)


def channel_rules(settings: Settings, channel: ChannelSettings) -> AlertRules:
    """Global alert rules with the channel's own overrides on top."""
    values: dict[str, Any] = {k: getattr(settings.alerts, k) for k in _RULE_KEYS}
    for key in _RULE_KEYS:
        override = getattr(channel, key)
        if override is not None:
            values[key] = override
    return AlertRules(**{k: tuple(v) if isinstance(v, list | tuple) else v for k, v in values.items()})


def _accepts(rules: AlertRules, event: str, deal: dict[str, Any]) -> bool:
    return should_alert(event, deal, rules)


def next_digest_time(kind: str, hour: int, now: datetime) -> datetime:
    """The next hourly boundary, or the next ``hour``:00 UTC for a daily digest."""
    now = now.astimezone(UTC)
    if kind == "hourly":
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def channel_routes(settings: Settings) -> list[ChannelRoute]:
    """Deal-event routes for every non-operator channel; digest channels hold alerts until their time."""
    routes = []
    for i, ch in enumerate(settings.alerts.channels):
        if ch.operator:
            continue
        hold = partial(next_digest_time, ch.digest, ch.digest_hour) if ch.digest else None
        routes.append(ChannelRoute(ch.label(i), partial(_accepts, channel_rules(settings, ch)), hold))
    return routes


def build_processor(settings: Settings, repo: Repository, *, parses: bool = True) -> ArticleProcessor:
    """``parses=False`` for a crawl process whose workers extract and parse: it never loads the parser."""
    return ArticleProcessor(repo, parser_resources(settings) if parses else None, channels=channel_routes(settings),
                            policy=resolution_policy(settings))
