"""Where DealRadar's bundled data files are: the example config, aliases, currency rates, the demo site.

The repository keeps them in its top-level ``config/`` folder, where a user looks for them. Installed,
setuptools ships that folder inside DealRadar's own package as ``crawler.defaults`` (pyproject's
``package-dir``), so the install claims no top-level package named ``config``. Stdlib only.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1] / "config"


def bundled(name: str) -> Traversable:
    """The bundled data file ``name`` (``dealradar.yaml``, ``aliases.yaml`` ...), installed or in a checkout."""
    try:
        return resources.files("crawler.defaults").joinpath(name)
    except ModuleNotFoundError:  # a checkout run without installing: the files are beside the package
        return _CHECKOUT / name
