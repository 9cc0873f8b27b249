"""DealRadar. Basics at the top, one folder per subsystem below (README, "What it does, step by step").

Basics: ``config`` (settings), ``errors`` (the error tree), ``logformat``, ``dates``, ``record`` (the Deal
record), ``article`` (an extracted article and its fingerprints), ``bundled`` (the shipped data files) and
``app`` (the composition root that wires a crawl's parts together).

Subsystems, callers first: ``cli/`` and ``daemon/`` -> ``crawl/`` -> ``alerts/``, ``events/``, ``deals/``;
``net/`` holds the network rules they share. ``tests/test_layers.py`` keeps the arrows pointing one way.
"""
