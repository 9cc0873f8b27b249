"""Scrapy's log lines about items, without the items.

Scrapy logs a dropped item (and a scraped one, at DEBUG) with the item's repr, and an ArticleItem carries the
whole page: one refused article made a WARNING line as long as its HTML (a full disk wrote every page into the
log). Here those lines name the article's URL and the reason, each cut to a few hundred characters."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

MAX_FIELD = 300


def _url(item: Any, response: Any) -> str:
    url = getattr(item, "url", None) or getattr(response, "url", None) or "?"
    return str(url)[:MAX_FIELD]


def _reason(exception: BaseException) -> str:
    text = " ".join(str(exception).split())
    return (f"{type(exception).__name__}: {text}" if text else type(exception).__name__)[:MAX_FIELD]


class ShortLogFormatter(LogFormatter):
    """Item lines as ``url=... reason=...``: enough to find the article, never its content."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        return {"level": logging.DEBUG, "msg": "article handed on url=%(url)s", "args": {"url": _url(item, response)}}

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)  # keeps Scrapy's choice of level
        return {"level": result["level"], "msg": "article dropped url=%(url)s reason=%(reason)s",
                "args": {"url": _url(item, response), "reason": _reason(exception)}}

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        return {"level": logging.ERROR, "msg": "article failed in the pipeline url=%(url)s reason=%(reason)s",
                "args": {"url": _url(item, response), "reason": _reason(exception)}}
