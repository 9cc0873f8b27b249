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

from crawler.config import Settings, load_settings
from crawler.errors import ConfigError, DealRadarError, InputError, StorageError


def _fail(message: str, code: int) -> None:
    click.echo(f"dealradar: {message}", err=True)
    sys.exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ConfigError as exc:
            for line in exc.lines():
                click.echo(f"dealradar: config error: {line}", err=True)
            sys.exit(2)
        except InputError as exc:
            _fail(str(exc), 2)
        except DealRadarError as exc:
            _fail(str(exc), 1)
        except Exception as exc:
            # A database that fails a read (corrupt, gone) is the user's trouble, not a bug: one line, exit 1. The
            # check goes through sys.modules so that commands that never touch the database never import SQLAlchemy.
            sa = sys.modules.get("sqlalchemy.exc")
            if sa is None or not isinstance(exc, sa.DBAPIError):
                raise
            _fail(f"database error: {_first_line(exc.orig or exc)}", 1)

    return wrapper


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


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
    from crawler.cli.commands import crawl_once
    from crawler.cli.render import print_crawl_summary

    _take_config(ctx, config)
    settings = _settings(ctx)
    unknown = [n for n in names if n not in {s.name for s in settings.sources}]
    if unknown:
        configured = ", ".join(s.name for s in settings.sources) or "none"
        raise click.UsageError(f"no source named {', '.join(map(repr, unknown))}; configured: {configured}", ctx)
    _repo(ctx).check_writable()  # open, migrate, probe a write: a storage failure stops here with exit 1
    summary = crawl_once(settings, names, send_alerts=not no_alerts, show_progress=not as_json,
                         log_level=["WARNING", "INFO", "DEBUG"][min(verbose, 2)], summary_printed=True)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        print_crawl_summary(summary)
    # Sources that failed to fetch are listed and the exit status is 0; a database that failed is exit 1.
    broken = next((s for s in summary.sources if s.storage_error), None)
    if broken is not None:
        raise StorageError(f"the database failed during the crawl (source {broken.source}): {broken.storage_error}")


# ---- extract -------------------------------------------------------------------------------


@main.command()
@config_option
@click.argument("target", required=False)
@click.option("--jsonl", "jsonl", metavar="INPUT",
              help="Batch mode: one article per line in (a file, or - for stdin), one prediction per line out.")
@click.option("--title", "title", metavar="TEXT",
              help="The article's headline; the whole input is then its body (plain text: otherwise the first "
                   "line, when it reads like a headline).")
@click.option("--json", "as_json", is_flag=True, help="Print the deals as JSON.")
@click.pass_context
@handle_errors
def extract(ctx: click.Context, config: str | None, target: str | None, jsonl: str | None, title: str | None,
            as_json: bool) -> None:
    """Run the deal parser on one article: a URL, an HTML or text FILE, or - for stdin."""
    from crawler.cli.commands import extract_batch, extract_one
    from crawler.cli.extract_input import open_input
    from crawler.cli.render import print_extraction

    _take_config(ctx, config)
    if jsonl:
        stream = open_input(jsonl)
        settings = _settings(ctx)
        try:
            for line in extract_batch(settings, stream):
                sys.stdout.write(line + "\n")
        finally:
            if jsonl != "-":
                stream.close()
        return
    if not target:
        raise click.UsageError("give a URL, a FILE, - or --jsonl INPUT")
    result = extract_one(_settings(ctx), target, title=title)
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
    from crawler.cli.render import print_sources
    from crawler.daemon.status import build_status

    _take_config(ctx, config)
    settings = _settings(ctx)
    repo = _repo(ctx)
    repo.sync_sources(settings.sources)
    if not as_json:
        print_sources(build_status(settings, repo, datetime.now(UTC)))
        return
    states = {s.name: s for s in repo.list_sources()}
    rows = [(src, states.get(src.name)) for src in settings.sources]
    click.echo(json.dumps([{"name": s.name, "kind": s.kind, "url": s.urls[0], "every": s.every.total_seconds(),
                            "cron": s.cron, "enabled": s.enabled,
                            "state": _jsonable(st.__dict__ if hasattr(st, "__dict__") else _slots(st))}
                           for s, st in rows], indent=2))


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


# ---- deals ---------------------------------------------------------------------------------


@main.group()
def deals() -> None:
    """What DealRadar has found."""


def _deal_filters(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--since", callback=_since_option, help="Only deals seen within this long (7d) or since this ISO "
                      "date (2026-11-30).")(fn)
    fn = click.option("--company", help="Only this company, or companies whose name starts so (aliases count).")(fn)
    fn = click.option("--type", "deal_type", help="Only this deal type (equity, debt, ...).")(fn)
    fn = click.option("--min-amount", type=float, help="Only deals of at least this many US dollars.")(fn)
    return fn


def _since_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """Parsed as the option is read, so a bad value is a usage error that names ``--since``."""
    return parse_since(value)


def _find_deals(ctx: click.Context, since: datetime | None, company: str | None, deal_type: str | None,
                min_amount: float | None) -> list[Any]:
    return _repo(ctx).list_deals(since=since, company=company, deal_type=deal_type, min_amount=min_amount)


@deals.command("list")
@config_option
@_deal_filters
@click.option("--json", "as_json", is_flag=True, help="One JSON array of deal records with id and sources.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV, one deal per row.")
@click.pass_context
@handle_errors
def deals_list(ctx: click.Context, config: str | None, since: datetime | None, company: str | None,
               deal_type: str | None, min_amount: float | None, as_json: bool, as_csv: bool) -> None:
    from crawler.cli.render import print_deals, write_deals_csv

    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be used together; pick one", ctx)
    _take_config(ctx, config)
    found = _find_deals(ctx, since, company, deal_type, min_amount)
    if as_json:
        click.echo(json.dumps([d.to_json() for d in found], indent=2, ensure_ascii=False))
    elif as_csv:
        write_deals_csv(found, sys.stdout)
    else:
        print_deals(found)


@deals.command("show")
@config_option
@click.argument("deal_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def deals_show(ctx: click.Context, config: str | None, deal_id: int, as_json: bool) -> None:
    """Every figure, source, sentence and conflict of one deal."""
    from crawler.cli.render import print_deal

    _take_config(ctx, config)
    repo = _repo(ctx)
    deal = repo.get_deal(deal_id)
    if deal is None:
        _fail(f"no such deal: {deal_id}", 1)
    events = repo.deal_events(deal_id)
    if as_json:
        click.echo(json.dumps({**deal.to_json(), "state": deal.state,
                               "events": [{"event": e.event, **e.body} for e in events]}, indent=2, default=str))
    else:
        print_deal(deal, events)


@deals.command("export")
@config_option
@_deal_filters
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File (default stdout).")
@click.pass_context
@handle_errors
def deals_export(ctx: click.Context, config: str | None, since: datetime | None, company: str | None,
                 deal_type: str | None, min_amount: float | None, fmt: str, output: Any) -> None:
    """Every matching deal with all its sources, for other tools."""
    from crawler.cli.render import write_deals_csv

    _take_config(ctx, config)
    found = _find_deals(ctx, since, company, deal_type, min_amount)
    if fmt == "csv":
        write_deals_csv(found, output)
    elif fmt == "json":
        output.write(json.dumps([d.to_json() for d in found], indent=2, ensure_ascii=False) + "\n")
    else:
        for d in found:
            output.write(json.dumps(d.to_json(), ensure_ascii=False) + "\n")


@deals.command("dismiss")
@config_option
@click.argument("deal_id", type=int)
@click.option("--undo", is_flag=True, help="Take a dismissal back.")
@click.pass_context
@handle_errors
def deals_dismiss(ctx: click.Context, config: str | None, deal_id: int, undo: bool) -> None:
    """Mark a deal "not a deal": hidden from lists, never alerted on again (pending alerts too), kept."""
    _take_config(ctx, config)
    changed = _repo(ctx).dismiss_deal(deal_id, dismissed=not undo)
    word = "restored" if undo else "dismissed"
    click.echo(f"deal {deal_id} {word}" if changed else f"deal {deal_id} was already {word}")


@deals.command("merge")
@config_option
@click.argument("deal_id", type=int)
@click.argument("into", type=int)
@click.pass_context
@handle_errors
def deals_merge(ctx: click.Context, config: str | None, deal_id: int, into: int) -> None:
    """Merge deal DEAL_ID into deal INTO: its sources and figures join INTO; it is kept, hidden, and not alerted on."""
    _take_config(ctx, config)
    target = _repo(ctx).merge_deal(deal_id, into)
    click.echo(f"deal {deal_id} merged into deal {target}")


# ---- web -----------------------------------------------------------------------------------


@main.command()
@config_option
@click.option("--host", default=None, help="Address to listen on (default: web.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default: web.port, 8321).")
@click.pass_context
@handle_errors
def serve(ctx: click.Context, config: str | None, host: str | None, port: int | None) -> None:
    """Serve the web dashboard, JSON API and Atom feed until stopped (Ctrl-C or SIGTERM)."""
    from crawler.web.server import serve as run_server

    _take_config(ctx, config)
    settings = _settings(ctx)
    _repo(ctx)  # open and migrate first: a database problem is one line and exit 1, before anything listens
    sys.exit(run_server(settings, host or settings.web.host, settings.web.port if port is None else port))


# ---- alerts --------------------------------------------------------------------------------


@main.group()
def alerts() -> None:
    """The alert outbox: what was sent, what waits, what failed."""


@alerts.command("list")
@config_option
@click.option("--pending", "status", flag_value="pending", help="Only deliveries waiting to be sent.")
@click.option("--failed", "status", flag_value="failed", help="Only deliveries that ran out of attempts.")
@click.option("--sent", "status", flag_value="sent", help="Only delivered ones.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def alerts_list(ctx: click.Context, config: str | None, status: str | None, as_json: bool) -> None:
    from crawler.cli.render import print_deliveries

    _take_config(ctx, config)
    rows = _repo(ctx).list_deliveries(status)
    if as_json:
        click.echo(json.dumps([_jsonable(_slots(r)) for r in rows], indent=2))
    else:
        print_deliveries(rows)


@alerts.command("retry")
@config_option
@click.argument("ids", nargs=-1, type=int)
@click.option("--no-send", is_flag=True, help="Only put them back in the queue.")
@click.pass_context
@handle_errors
def alerts_retry(ctx: click.Context, config: str | None, ids: tuple[int, ...], no_send: bool) -> None:
    """Put failed deliveries (all, or these ids) back in the queue, with their delivery ids, and send."""
    from crawler.alerts.dispatcher import dispatch_once

    _take_config(ctx, config)
    repo = _repo(ctx)
    from crawler.cli.render import plural

    n = repo.requeue_failed(ids or None)
    click.echo(f"{plural(n, 'delivery', 'deliveries')} queued again")
    if not no_send and n:
        result = dispatch_once(_settings(ctx), repo)
        click.echo(f"sent {result.sent}, will retry {result.retried}, failed {result.failed}")


@alerts.command("test")
@config_option
@click.pass_context
@handle_errors
def alerts_test(ctx: click.Context, config: str | None) -> None:
    """Send a sample deal.new alert to every channel, directly (not through the outbox)."""
    from crawler.alerts.testsend import send_test_alerts

    _take_config(ctx, config)
    results = send_test_alerts(_settings(ctx))
    if not results:
        _fail("config error: alerts.channels: no alert channels configured; add one (see the README)", 2)
    failed = 0
    for name, error in results.items():
        click.echo(f"{name}: {'ok' if error is None else 'FAILED: ' + error}")
        failed += error is not None
    sys.exit(1 if failed else 0)


# ---- daemon --------------------------------------------------------------------------------


@main.command()
@config_option
@click.pass_context
@handle_errors
def run(ctx: click.Context, config: str | None) -> None:
    """Run as a daemon: every source on its schedule, alerts delivered as they come.

    With ``cluster:`` in the config: lead the cluster (queue due sources, send alerts) or wait as its standby."""
    _take_config(ctx, config)
    if _settings(ctx).cluster is not None:
        from crawler.cluster.leader import run_cluster

        sys.exit(run_cluster(ctx.ensure_object(dict).get("config")))
    from crawler.daemon.service import run_daemon

    sys.exit(run_daemon(ctx.ensure_object(dict).get("config")))


@main.command()
@config_option
@click.option("--concurrency", type=click.IntRange(1, 1024), default=None,
              help="Parallel requests in this worker (default: crawl.concurrency).")
@click.pass_context
@handle_errors
def worker(ctx: click.Context, config: str | None, concurrency: int | None) -> None:
    """Cluster worker: crawl the sources the leader queues on Redis, store into the shared PostgreSQL."""
    from crawler.cluster.worker import run_worker

    _take_config(ctx, config)
    _settings(ctx)  # a bad file stops here, before Redis is asked
    sys.exit(run_worker(ctx.ensure_object(dict).get("config"), concurrency))


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def status(ctx: click.Context, config: str | None, as_json: bool) -> None:
    """How the daemon and every source are doing, from the database."""
    from crawler.daemon.status import build_status, print_status

    _take_config(ctx, config)
    settings = _settings(ctx)
    report = build_status(settings, _repo(ctx), datetime.now(UTC))
    if settings.cluster is not None:
        from crawler.cluster.status import cluster_status

        report["cluster"] = cluster_status(settings.cluster)
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        print_status(report)
        if "cluster" in report:
            from crawler.cli.clusterview import print_cluster

            print_cluster(report["cluster"])


# ---- demo ----------------------------------------------------------------------------------


@main.command()
@click.option("--keep", is_flag=True, help="Keep the demo database and print its path.")
@handle_errors
def demo(keep: bool) -> None:
    """Serve a bundled news site on 127.0.0.1, crawl it into a temporary database, show what was found."""
    from crawler.cli.demo import run_demo

    run_demo(keep=keep)


def parse_since(value: str | None) -> datetime | None:
    """``7d`` (a duration back from now) or an ISO date."""
    from crawler.config import parse_since as since

    try:
        return since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
