"""The deal parser: article text -> the AI funding deals it reports. Pure, except ``load_resources``.

Owns: ``segment`` (sentences and page furniture), ``money`` (figures), ``entities`` (names), ``classify``
and ``taxonomy`` (what a figure and a word mean), ``frames`` and ``investors`` (one figure -> a candidate
deal), ``amountless`` (deals reported without a figure), ``tables`` (deal tables), ``firstperson`` (who
"we" is), ``assembly`` (which candidates are news, merged into deals), ``parse`` (the reader), ``batch``
(the ``extract --jsonl`` contract). Imports nothing from storage, Scrapy, the network or its callers.
"""

from crawler.deals.model import ArticleDeals, DealMention, Evidence
from crawler.deals.parse import parse_article
from crawler.deals.resources import Resources, load_resources

__all__ = ["ArticleDeals", "DealMention", "Evidence", "Resources", "load_resources", "parse_article"]
