"""Pydantic's validation errors turned into the lines a person reads: ``key.path: expected ..., got 'value'``.

Apart from ``crawler.config`` because it is about wording, not about what a valid file is: one line per
problem, every problem of a file at once, a "did you mean" for a misspelt key, never pydantic's own text.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from pydantic import BaseModel

# What each pydantic error type means to someone editing YAML.
_EXPECTED = {
    "int_parsing": "a whole number", "int_type": "a whole number", "int_from_float": "a whole number",
    "float_parsing": "a number", "float_type": "a number", "finite_number": "a finite number",
    "bool_parsing": "true or false", "bool_type": "true or false",
    "string_type": "text", "string_too_short": "non-empty text",
    "tuple_type": "a list", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
    "none_required": "nothing",
}
_LIMITS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}


def shown(value: Any) -> str:
    """A value as it would look in the YAML file, short enough for one line."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list | tuple):
        text = "a list"
    elif isinstance(value, str):
        text = repr(value if len(value) <= 60 else value[:57] + "...")
    else:
        text = str(value)
    return text


def key_path(loc: Sequence[Any]) -> str:
    """``("sources", 2, "every")`` -> ``sources[2].every``; pydantic's union and validator tags are dropped."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _is_tag(str(part)):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _is_tag(part: str) -> bool:
    """Pydantic's names for a union member or a validator in a location (``str``, ``tuple[str, ...]``)."""
    return part.startswith("function-") or "[" in part or part in ("tagged-union", "str", "int", "float", "bool",
                                                                    "none", "list", "tuple", "dict")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``X``, ``X | None``, ``tuple[X, ...]``, ``Annotated[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def known_keys(root: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys allowed where the last part of ``loc`` sits (empty when that is not a model)."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None:
            return []
        if isinstance(part, int) or _is_tag(str(part)):
            continue
        field = model.model_fields.get(str(part))
        model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return []
    return [k for k in model.model_fields if k != "path"]


def _unknown_key(root: type[BaseModel], loc: Sequence[Any]) -> str:
    keys = known_keys(root, loc)
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
    if close:
        return f"unknown key, did you mean '{close[0]}'?"
    return "unknown key" + (f"; known keys here: {', '.join(keys)}" if keys else "")


def _expected(err: dict[str, Any]) -> str | None:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind in _LIMITS:
        limit = next(iter(ctx.values()), "?")
        return f"a number {_LIMITS[kind]} {limit:g}" if isinstance(limit, int | float) else \
            f"a number {_LIMITS[kind]} {limit}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '?')}"
    if kind == "string_pattern_mismatch":
        return "letters, digits, '_', '.' or '-' only" if "A-Za-z0-9_" in str(ctx.get("pattern")) else \
            f"text matching {ctx.get('pattern')}"
    return None


def describe(root: type[BaseModel], errors: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """One ``(key path, message)`` per problem; a union's failed branches become one 'expected A or B'."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for err in errors:
        by_key.setdefault(key_path(err["loc"]), []).append(err)
    out = []
    for key, errs in by_key.items():
        first = errs[0]
        if first["type"] == "extra_forbidden":
            out.append((key, _unknown_key(root, first["loc"])))
        elif first["type"] == "missing":
            out.append((key, "required, but not given"))
        elif first["type"] in ("value_error", "assertion_error"):
            out.append((key, str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")))
        else:
            wanted = list(dict.fromkeys(w for w in map(_expected, errs) if w))
            if wanted:
                out.append((key, f"expected {' or '.join(wanted)}, got {shown(first.get('input'))}"))
            else:
                msg = str(first["msg"])
                out.append((key, f"{msg[:1].lower()}{msg[1:]}, got {shown(first.get('input'))}"))
    return out
