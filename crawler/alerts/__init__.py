"""Alerts: which deal events are sent (``rules``), what is sent (``payloads``, ``messages``, ``notices``),
and how (``dispatcher`` leases outbox rows and hands them to ``channels``; ``lease`` keeps the lease alive).

May import the basics, ``net`` and ``storage``; never ``crawl``, ``cli`` or ``daemon``.
"""
