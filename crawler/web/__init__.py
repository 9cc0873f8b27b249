"""The web dashboard, JSON API and Atom feed of ``dealradar serve`` (and ``dealradar run`` with ``web.enabled``).

``app`` builds the application (headers, errors, routes); ``api`` the JSON endpoints and ``schemas`` their
documented shapes; ``pages`` the HTML pages, rendered from ``templates/`` with ``static/`` styles; ``views`` what
both show of a deal; ``feed`` the Atom feed; ``chart`` the weekly SVG chart; ``format`` how figures read;
``params`` reads query parameters into a ``DealQuery``; ``auth`` guards the writes with ``web.token``; ``links``
decides which URLs may become links; ``server`` runs uvicorn.

May import the basics, ``daemon`` (the sources' health), ``events`` and ``storage``; never ``cli``.
"""
