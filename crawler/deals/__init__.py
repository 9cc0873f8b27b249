"""The deal parser: article text -> the AI funding deals it reports. Pure, except ``load_resources``."""

from crawler.deals.model import ArticleDeals, DealMention, Evidence
from crawler.deals.parse import parse_article
from crawler.deals.resources import Resources, load_resources

__all__ = ["ArticleDeals", "DealMention", "Evidence", "Resources", "load_resources", "parse_article"]
