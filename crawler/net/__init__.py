"""Rules for talking to the network, shared by the crawl, the spiders and the alert channels.

``urlpolicy``: which URLs and addresses may be fetched, and canonical URLs; ``retry_after``: how long a server
asks us to wait. Standard library only: imports nothing else from DealRadar.
"""
