"""DealRadar's bundled data files: installed as the package ``crawler.defaults`` (see crawler/bundled.py)."""
