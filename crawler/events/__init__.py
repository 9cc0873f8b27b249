"""Deal events: merge each parsed mention into one deal and diff it into alerts.

Pure functions and dataclasses (stdlib only, no I/O, no clock: callers pass ``now``).
The storage layer, per mention:

1. ``candidate_keys(mention.company)`` and ``candidate_window(mention, now, policy)`` to load the
   candidate deals (``company_key IN keys AND last_seen >= start AND first_seen <= end``) as
   ``DealState.from_dict``;
2. ``match_deal(mention, candidates, policy, now=now)`` -> the deal it joins, or None;
3. ``apply_mention(deal_or_none, mention, now=now, policy=policy)`` -> (state, events);
4. saves ``state.to_dict()`` (skip when ``state is`` the one passed in: nothing changed) and
   the events, in one transaction.
"""

from crawler.events.apply import apply_mention
from crawler.events.consensus import FIGURE_FIELDS
from crawler.events.keys import (
    STATUS_RANK,
    UNDISCLOSED,
    candidate_keys,
    clean_company,
    company_key,
    normalise_round,
    same_company,
    status_rank,
    types_compatible,
)
from crawler.events.match import candidate_window, match_deal, match_score, report_time
from crawler.events.model import (
    EVENT_CONFLICT,
    EVENT_NEW,
    EVENT_UPDATED,
    DealEvent,
    Mention,
    Report,
    ResolutionPolicy,
    SourceRef,
)
from crawler.events.state import DealState

__all__ = [
    "EVENT_CONFLICT",
    "EVENT_NEW",
    "EVENT_UPDATED",
    "FIGURE_FIELDS",
    "STATUS_RANK",
    "UNDISCLOSED",
    "DealEvent",
    "DealState",
    "Mention",
    "Report",
    "ResolutionPolicy",
    "SourceRef",
    "apply_mention",
    "candidate_keys",
    "candidate_window",
    "clean_company",
    "company_key",
    "match_deal",
    "match_score",
    "normalise_round",
    "report_time",
    "same_company",
    "status_rank",
    "types_compatible",
]
