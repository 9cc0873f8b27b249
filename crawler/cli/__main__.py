"""``python -m crawler.cli``: the same as the ``dealradar`` command."""

from crawler.cli.cmdline import main

main()
