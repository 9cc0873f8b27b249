"""One crawl pass, the same for ``dealradar crawl`` and each daemon tick.

``runner`` starts Scrapy (``spiders/``) in a child process and reports per source (``report``); ``workers``
analyses pages in a process pool; ``pipeline`` runs extract -> parse -> store for one page; ``extract`` turns
HTML into text and metadata; ``feeds`` reads RSS/Atom/JSON Feed; ``items`` is the one item type; ``fetch``
gets one page for ``dealradar extract URL``.

May import the basics, ``net``, ``deals``, ``events``, ``alerts``, ``storage`` and ``spiders``; never ``cli``
or ``daemon``.
"""
