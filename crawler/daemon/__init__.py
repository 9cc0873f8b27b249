"""``dealradar run``: the long-running daemon.

``service`` owns the lifecycle (lock, schedule, ticks, shutdown); ``scheduler`` and ``polling`` decide when each
source is due; ``lock`` keeps one daemon per database; ``observe`` serves /healthz and /metrics; ``status``
reads health back from the database; ``holdback`` delays a source whose server asked for a pause.

May import the basics, ``crawl``, ``net``, ``alerts`` and ``storage``; never ``cli`` (``status.print_status``
borrows the CLI's console, lazily).
"""
