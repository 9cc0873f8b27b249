"""``dealradar`` command line: parse options, call the library, format the result. Nothing else.

Exit status: 0 done; 1 a DealRadar error (storage, fetch, lock); 2 bad configuration or usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

import click

from crawler.config import Settings, load_settings, parse_duration
from crawler.errors import ConfigError, DealRadarError


def _fail(message: str, code: int) -> None:
    click.echo(f"dealradar: {message}", err=True)
    sys.exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            _fail(f"config error: {exc}", 2)
        except DealRadarError as exc:
            _fail(str(exc), 1)

    return wrapper


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings(obj.get("config"))
    return obj["settings"]


def _repo(ctx: click.Context) -> Any:
    from storage.repository import Repository

    obj = ctx.ensure_object(dict)
    if "repo" not in obj:
        obj["repo"] = Repository.open(_settings(ctx).storage.url)
        ctx.call_on_close(obj["repo"].close)
    return obj["repo"]


config_option = click.option("-c", "--config", "config", type=click.Path(dir_okay=False),
                              help="Config file (default: $DEALRADAR_CONFIG, ./dealradar.yaml, the bundled one).")


def _take_config(ctx: click.Context, config: str | None) -> None:
    if config:
        ctx.ensure_object(dict)["config"] = config


@click.group()
@config_option
@click.version_option(package_name="dealradar")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """DealRadar watches the news for AI funding deals."""
    ctx.ensure_object(dict)["config"] = config


# ---- crawl ---------------------------------------------------------------------------------


@main.command()
@config_option
@click.option("--source", "-s", "names", multiple=True, help="Only these sources (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--no-alerts", is_flag=True, help="Queue alerts but do not send them now.")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.pass_context
@handle_errors
def crawl(ctx: click.Context, config: str | None, names: tuple[str, ...], as_json: bool, no_alerts: bool,
          verbose: int) -> None:
    """One pass over the sources, with progress and a summary per source."""
    from crawler.commands import crawl_once
    from crawler.render import print_crawl_summary

    _take_config(ctx, config)
    settings = _settings(ctx)
    _repo(ctx)  # open and migrate first: a storage failure stops here with exit 1
    summary = crawl_once(settings, names, send_alerts=not no_alerts, show_progress=not as_json,
                         log_level=["WARNING", "INFO", "DEBUG"][min(verbose, 2)])
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        print_crawl_summary(summary)


# ---- extract -------------------------------------------------------------------------------


@main.command()
@config_option
@click.argument("target", required=False)
@click.option("--jsonl", "jsonl", type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Batch mode: one article per line in, one prediction per line out.")
@click.option("--json", "as_json", is_flag=True, help="Print the deals as JSON.")
@click.pass_context
@handle_errors
def extract(ctx: click.Context, config: str | None, target: str | None, jsonl: str | None, as_json: bool) -> None:
    """Run the deal parser on one article: a URL, an HTML or text FILE, or - for stdin."""
    from crawler.commands import extract_batch, extract_one
    from crawler.render import print_extraction

    _take_config(ctx, config)
    settings = _settings(ctx)
    if jsonl:
        stream = sys.stdin if jsonl == "-" else open(jsonl, encoding="utf-8")  # noqa: SIM115
        with stream:
            for line in extract_batch(settings, stream):
                sys.stdout.write(line + "\n")
        return
    if not target:
        raise click.UsageError("give a URL, a FILE, - or --jsonl INPUT")
    result = extract_one(settings, target)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_extraction(result)


# ---- sources / db --------------------------------------------------------------------------


@main.group()
def sources() -> None:
    """Configured sources and their fetch state."""


@sources.command("list")
@config_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def sources_list(ctx: click.Context, config: str | None, as_json: bool) -> None:
    from crawler.render import print_sources

    _take_config(ctx, config)
    settings = _settings(ctx)
    repo = _repo(ctx)
    repo.sync_sources(settings.sources)
    states = {s.name: s for s in repo.list_sources()}
    rows = [(src, states.get(src.name)) for src in settings.sources]
    if as_json:
        click.echo(json.dumps([{"name": s.name, "kind": s.kind, "url": s.urls[0], "every": s.every.total_seconds(),
                                 "state": _jsonable(st.__dict__ if hasattr(st, "__dict__") else _slots(st))}
                                for s, st in rows], indent=2))
    else:
        print_sources(rows)


def _slots(obj: Any) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in getattr(obj, "__slots__", ())} if obj is not None else {}


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in d.items()}


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_option
@click.pass_context
@handle_errors
def db_upgrade(ctx: click.Context, config: str | None) -> None:
    """Create or migrate the schema to the latest version."""
    from storage.migrate import current_revision

    _take_config(ctx, config)
    repo = _repo(ctx)
    click.echo(f"database at revision {current_revision(repo.engine)} ({repo.dialect})")


# ---- demo ----------------------------------------------------------------------------------


@main.command()
@click.option("--keep", is_flag=True, help="Keep the demo database and print its path.")
@handle_errors
def demo(keep: bool) -> None:
    """Serve a bundled news site on 127.0.0.1, crawl it into a temporary database, show what was found."""
    from crawler.demo import run_demo

    run_demo(keep=keep)


def parse_since(value: str | None) -> datetime | None:
    """``7d`` (a duration back from now) or an ISO date."""
    if not value:
        return None
    try:
        return datetime.now(UTC) - parse_duration(value)
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a duration like 7d or an ISO date, got {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


if __name__ == "__main__":  # pragma: no cover
    main()
