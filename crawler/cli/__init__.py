"""The ``dealradar`` command line: parse arguments -> call the library -> format.

``cmdline`` holds the click commands; ``commands`` the work behind ``crawl`` and ``extract``; ``render`` and
``progress`` the tables, JSON and progress bar; ``extract_input`` reads what ``extract`` is given; ``demo``
and ``sitehost`` run the pipeline on a bundled local news web.

May import everything below it; nothing imports it.
"""
