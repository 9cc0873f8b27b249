"""Tables that fit the terminal: columns chosen by width and priority, long text wrapped on words.

Rich squeezes every column of a table that is too wide, which cuts headers (``fetch…``) and names and
stacks lists one word a line. Here each column says how important it is and whether its text may wrap;
the least important columns go first until the rest fit, and the table says what it left out
(``--json`` always has everything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

_PAD = 3  # between two columns: a space of padding each side and the (blank) rule of box.SIMPLE_HEAD
_LONG_WORD = 40  # a longer word (a URL) in a wrapping column is folded rather than widening the column


@dataclass(frozen=True)
class Col:
    """One column: ``keep`` 0 is always shown, higher numbers are dropped first on a narrow terminal.

    ``wrap`` columns (errors, investor lists, names with spaces) wrap on words and need only ``min_width``;
    the others are shown whole on one line."""

    header: str
    keep: int = 0
    wrap: bool = False
    min_width: int = 20
    right: bool = False


def _cell_width(cell: str) -> int:
    return max((Text.from_markup(line).cell_len for line in cell.split("\n")), default=0)


def _longest_word(rows: Sequence[Sequence[str]], i: int) -> int:
    """The widest word of a wrapping column (at most ``_LONG_WORD``): narrower, a word would be cut in two."""
    words = (w for r in rows for w in Text.from_markup(r[i]).plain.split())
    return min(max((len(w) for w in words), default=0), _LONG_WORD)


def fit_table(cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int, *,
              title: str | None = None) -> Table:
    """A table of the columns that fit in ``width``; a caption names any left out."""
    natural = [max([len(c.header), *(_cell_width(r[i]) for r in rows)]) for i, c in enumerate(cols)]
    need = [min(n, max(c.min_width, _longest_word(rows, i))) if c.wrap else n
            for i, (n, c) in enumerate(zip(natural, cols, strict=True))]
    shown = list(range(len(cols)))
    for drop in sorted(range(len(cols)), key=lambda i: (-cols[i].keep, -i)):
        if sum(need[i] + _PAD for i in shown) - _PAD <= width or cols[drop].keep == 0:
            break
        shown.remove(drop)
    hidden = [cols[i].header for i in range(len(cols)) if i not in shown]
    caption = f"not shown at this width: {', '.join(hidden)} (widen the terminal or use --json)" if hidden else None
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, caption_justify="left", title_justify="left",
                  pad_edge=False, show_edge=False)
    for i in shown:
        c = cols[i]
        if c.wrap:
            table.add_column(c.header, min_width=min(need[i], natural[i]), overflow="fold",
                             justify="right" if c.right else "left")
        else:
            table.add_column(c.header, no_wrap=True, min_width=natural[i], justify="right" if c.right else "left")
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    return table


def print_table(out: Console, cols: Sequence[Col], rows: Sequence[Sequence[str]], *, title: str | None = None) -> None:
    out.print(fit_table(cols, rows, out.width, title=title))
