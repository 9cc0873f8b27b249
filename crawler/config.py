"""Configuration: YAML -> ``${VAR}`` expansion -> validated, frozen ``Settings``.

This is the only module that reads ``os.environ``. Every error names the key path
(``sources[2].every``) so the CLI can print one line per problem and exit 2. Everything a
command could find wrong with the file (cron expressions, alert channels, ``daemon.http``)
is checked here, so every command accepts or refuses a file the same way.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from platformdirs import user_data_dir
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from crawler.bundled import bundled
from crawler.configerrors import describe, shown
from crawler.errors import ConfigError

ENV_CONFIG = "DEALRADAR_CONFIG"
LOCAL_CONFIG = "dealradar.yaml"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_HINT = "a duration with a unit (ms, s, m, h, d, w) like 30s, 10m, 1h, 1d"
_MAX_DURATION_S = 100 * 365 * 86400.0
_MAX_SIZE = 1024.0**4
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def parse_duration(value: Any) -> timedelta:
    """Accept ``30s``, ``10m``, ``1h``, ``1d``, ``1w`` (or ``0``).

    A bare number is refused: ``every: 10`` could mean seconds or minutes, and guessing seconds
    polls a feed sixty times too often.
    """
    if isinstance(value, timedelta):
        return value
    bad = ValueError(f"expected {_DURATION_HINT}, got {shown(value)}")
    if isinstance(value, bool):
        raise bad
    if isinstance(value, int | float):
        if value != 0:
            raise bad
        seconds = 0.0
    elif isinstance(value, str) and value.strip().upper().startswith("P"):
        # ISO 8601 (PT30S, P1D): what a dumped Settings holds, so settings round-trip.
        try:
            seconds = TypeAdapter(timedelta).validate_python(value.strip()).total_seconds()
        except ValidationError:
            raise bad from None
    else:
        m = _DURATION.match(str(value))
        if not m or (m.group(2) is None and float(m.group(1)) != 0):
            raise bad
        seconds = float(m.group(1)) * _UNITS.get(m.group(2) or "s", 1)
    if seconds != seconds:  # NaN
        raise bad
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    if seconds > _MAX_DURATION_S:
        raise ValueError(f"duration {value!r} is too long (at most 100 years)")
    return timedelta(seconds=seconds)


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """``7d`` (that long back from now) or an ISO date or time; the ``since`` of ``deals list`` and the web API.
    A ValueError says what was expected."""
    if value is None or not str(value).strip():
        return None
    now = now or datetime.now(UTC)
    try:
        return now - parse_duration(value)
    except (ValueError, OverflowError):
        pass
    try:
        dt = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a duration like 7d or an ISO date, got {value!r}") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def parse_size(value: Any) -> int:
    """Accept ``10MB``, ``512KB``, ``1GB`` or a number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", str(value), re.I)
    if not m:
        raise ValueError(f"expected a size like 10MB, got {shown(value)}")
    unit = (m.group(2) or "b").lower()[0]
    size = float(m.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    if size > _MAX_SIZE:
        raise ValueError(f"size {value!r} is too large (at most 1TB)")
    return int(size)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Size = Annotated[int, BeforeValidator(parse_size)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def default_storage_url() -> str:
    """SQLite under the user's data directory, so a bare install works anywhere."""
    return f"sqlite:///{Path(user_data_dir('dealradar')) / 'dealradar.db'}"


class StorageSettings(_Model):
    url: str = Field(default_factory=default_storage_url)

    @model_validator(mode="after")
    def _known_scheme(self) -> StorageSettings:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", self.url):
            raise ValueError(f"url: expected sqlite:///PATH or postgresql://..., got {shown(self.url)}")
        if _in_memory(self.url):
            raise ValueError(f"url: expected sqlite:///PATH with a file name (an in-memory database keeps "
                             f"nothing between runs, so every article would look new), got {shown(self.url)}")
        return self


def _in_memory(url: str) -> bool:
    """``sqlite://``, ``sqlite:///``, ``sqlite:///:memory:`` and ``mode=memory`` URIs: gone when the process ends."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("://", 1)[1]
    path = path[1:] if path.startswith("/") else path
    return path.split("?", 1)[0].strip() in ("", ":memory:") or "mode=memory" in path


class CrawlSettings(_Model):
    allow_private_addresses: bool = False
    allow_hosts: tuple[str, ...] = ()  # fetched even if they resolve to private addresses (".corp.example": subdomains)
    obey_robots: bool = True
    delay: Duration = timedelta(seconds=1)
    concurrency_per_host: int = Field(2, ge=1, le=64)
    concurrency: int = Field(16, ge=1, le=512)
    autothrottle: bool = True
    timeout: Duration = timedelta(seconds=30)
    max_response_size: Size = 10 * 1024 * 1024
    retries: int = Field(3, ge=0, le=20)
    max_retry_after: Duration = timedelta(minutes=5)
    max_article_age: Duration = timedelta(days=7)
    workers: int = Field(0, ge=0, le=64)  # processes for extraction and parsing; 0 = one per core (max 4), none on one core
    page_time_limit: int = Field(20, ge=0, le=600)  # seconds per page for extraction and parsing; 0 = none
    user_agent: str = "DealRadar/0.1 (+https://github.com/dealradar/dealradar; news monitoring bot)"


class SourceSettings(_Model):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    feed: str | None = None
    sitemap: str | None = None
    start_urls: tuple[str, ...] = ()
    follow: str | None = None
    every: Duration = timedelta(minutes=30)
    cron: str | None = None
    outlet: str | None = None
    enabled: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> SourceSettings:
        kinds = [k for k in ("feed", "sitemap", "start_urls") if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of feed, sitemap or start_urls")
        for key, url in (("feed", self.feed), ("sitemap", self.sitemap), *(("start_urls", u) for u in self.start_urls)):
            if url and not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"{key}: expected an http(s) URL, got {shown(url)}")
        if self.follow is not None:
            try:
                re.compile(self.follow)
            except re.error as exc:
                raise ValueError(f"follow: expected a regular expression ({exc}), got {shown(self.follow)}") from None
        if self.every < timedelta(seconds=1):
            raise ValueError(f"every: expected at least 1s, got {self.every.total_seconds():g}s")
        if self.cron is not None:
            from crawler.daemon.scheduler import cron_next  # apscheduler only when a cron is configured

            try:
                cron_next(self.cron)
            except ValueError as exc:
                raise ValueError(f"cron: expected a crontab expression like '*/15 * * * *' ({exc}), "
                                 f"got {shown(self.cron)}") from None
        return self

    @property
    def kind(self) -> Literal["feed", "sitemap", "listing"]:
        if self.feed:
            return "feed"
        return "sitemap" if self.sitemap else "listing"

    @property
    def urls(self) -> tuple[str, ...]:
        if self.feed:
            return (self.feed,)
        if self.sitemap:
            return (self.sitemap,)
        return self.start_urls


class AlertRuleSettings(_Model):
    min_amount_usd: float = Field(0, ge=0)
    ai_only: bool = True
    companies: tuple[str, ...] = ()
    investors: tuple[str, ...] = ()
    deal_types: tuple[
        Literal[
            "equity", "debt", "joint_venture", "compute_commitment", "infrastructure",
            "acquisition", "financing_undisclosed_structure",
        ],
        ...,
    ] = ()
    events: tuple[Literal["deal.new", "deal.updated", "deal.conflict"], ...] = (
        "deal.new", "deal.updated", "deal.conflict",
    )


class ChannelSettings(_Model):
    """One alert channel: exactly one of ``webhook``, ``email`` or ``apprise``."""

    name: str | None = None
    webhook: str | None = None
    secret: str | None = None
    email: dict[str, Any] | None = None
    apprise: str | tuple[str, ...] | None = None
    timeout: Duration | None = None  # webhook: per request (default 10s)
    allow_private: bool = False  # webhook: may post to loopback/private addresses (as crawl.allow_private_addresses)
    headers: dict[str, str] | None = None  # webhook: extra request headers ("Authorization: Bearer ...")
    verify: bool | str = True  # webhook: check TLS certificates (false, or a CA bundle path for a private CA)
    digest: Literal["hourly", "daily"] | None = None
    digest_hour: int = Field(8, ge=0, le=23)  # UTC hour a daily digest goes out
    operator: bool = False
    min_amount_usd: float | None = Field(None, ge=0)
    ai_only: bool | None = None
    companies: tuple[str, ...] | None = None
    investors: tuple[str, ...] | None = None
    deal_types: tuple[str, ...] | None = None
    events: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ChannelSettings:
        kinds = [k for k in ("webhook", "email", "apprise") if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of webhook, email or apprise")
        if self.webhook and not re.match(r"^https?://[^/\s]+", self.webhook):
            raise ValueError(f"webhook: expected an http(s) URL, got {shown(self.webhook)}")
        if not self.webhook and (self.timeout is not None or self.allow_private or self.headers or self.verify is not True):
            raise ValueError("timeout, allow_private, headers and verify are webhook settings; this channel is not a "
                             "webhook")
        if self.timeout is not None and self.timeout <= timedelta(0):
            raise ValueError(f"timeout: expected a duration above 0 like 10s, got {self.timeout.total_seconds():g}s")
        if self.email is not None:
            missing = [k for k in ("smtp", "from", "to") if not self.email.get(k)]
            if missing:
                raise ValueError(f"email needs {', '.join(missing)}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("webhook", "email", "apprise") if getattr(self, k))

    def label(self, index: int) -> str:
        return self.name or f"{self.kind}-{index + 1}"

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)

    def channel_config(self) -> dict[str, Any]:
        """The entry ``build_channel`` takes: what to send where (rules and digests are the caller's)."""
        cfg: dict[str, Any] = {k: v for k, v in self.as_dict().items() if k in ("webhook", "secret", "email", "apprise")}
        if self.webhook:
            if self.timeout is not None:
                cfg["timeout"] = self.timeout.total_seconds()
            if self.allow_private:
                cfg["allow_private"] = True
            if self.headers:
                cfg["headers"] = dict(self.headers)
            if self.verify is not True:
                cfg["verify"] = self.verify
        return cfg


class AlertSettings(AlertRuleSettings):
    channels: tuple[ChannelSettings, ...] = ()
    max_attempts: int = Field(8, ge=1, le=100)
    retry_base: Duration = timedelta(seconds=30)
    retry_max: Duration = timedelta(hours=1)


class DealSettings(_Model):
    window: Duration = timedelta(days=30)
    conflict_tolerance: float = Field(0.10, ge=0, le=1)
    aliases: str | None = None
    currency_rates: str | None = None


def parse_listen(value: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or a bare port (on 127.0.0.1)."""
    value = value.strip()
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    host = host.strip("[]") or "0.0.0.0"
    if not port.isdigit() or int(port) > 65535:
        raise ConfigError("daemon.http", f"expected host:port like 127.0.0.1:9464, got {shown(value)}")
    return host, int(port)


def _listen_address(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parse_listen(value)
        except ConfigError as exc:
            raise ValueError(exc.message) from None
    return value


class DaemonSettings(_Model):
    log_format: Literal["plain", "json"] = "plain"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    http: Annotated[str | None, BeforeValidator(_listen_address)] = "127.0.0.1:9464"
    jitter: Duration = timedelta(seconds=10)
    per_host_limit: int = Field(1, ge=1, le=32)
    min_interval: Duration = timedelta(minutes=2)
    max_interval: Duration = timedelta(hours=6)
    adaptive: bool = False
    failure_alert_after: int = Field(6, ge=1)
    max_backoff: Duration = timedelta(hours=6)
    dispatch_every: Duration = timedelta(seconds=5)
    max_crawls: int = Field(2, ge=1, le=16)  # crawl child processes at once
    crawl_timeout: Duration = timedelta(minutes=30)  # a pass still running after this is stopped
    stale_after: Duration = timedelta(days=2)  # silence shorter than this never counts as stale


class WebSettings(_Model):
    """The dashboard, JSON API and Atom feed (``dealradar serve``; ``dealradar run`` serves it when enabled).

    Without ``token`` it is read-only and may only listen on a loopback address (checked when it starts)."""

    enabled: bool = False
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8321, ge=0, le=65535)
    token: str | None = None

    @model_validator(mode="after")
    def _usable(self) -> WebSettings:
        if self.token is not None and len(self.token.strip()) < 16:
            raise ValueError(f"token: expected a secret of at least 16 characters (a long random string), "
                             f"got {len(self.token.strip())}")
        if not re.match(r"^[A-Za-z0-9.:\-\[\]]+$", self.host):
            raise ValueError(f"host: expected an address or host name like 127.0.0.1, got {shown(self.host)}")
        return self


class ClusterSettings(_Model):
    """``cluster:``: several machines share one Redis crawl queue and one PostgreSQL store (README, "Running on
    several machines"). Only ``redis`` is part of the fixed contract; the rest tune the queue."""

    redis: str
    prefix: str = Field("dealradar", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    batch: int = Field(50, ge=1, le=5000)  # sources one worker takes into one crawl pass
    claim_ttl: Duration = timedelta(seconds=30)  # a worker that stops renewing loses its sources after this
    fingerprint_ttl: Duration = timedelta(minutes=10)  # a requested article URL is not requested again before this
    heartbeat_every: Duration = timedelta(seconds=2)

    @model_validator(mode="after")
    def _redis_url(self) -> ClusterSettings:
        if not re.match(r"^(redis|rediss|unix)://", self.redis):
            raise ValueError(f"redis: expected redis://host:6379/0, got {shown(self.redis)}")
        return self


class Settings(_Model):
    storage: StorageSettings = StorageSettings()
    crawl: CrawlSettings = CrawlSettings()
    sources: tuple[SourceSettings, ...] = ()
    alerts: AlertSettings = AlertSettings()
    deals: DealSettings = DealSettings()
    daemon: DaemonSettings = DaemonSettings()
    web: WebSettings = WebSettings()
    cluster: ClusterSettings | None = None
    path: str | None = None

    def problems(self) -> list[tuple[str, str]]:
        """What only the whole file can show: duplicate names, alert channels that cannot be built."""
        from crawler.alerts.channels import build_channel

        found: list[tuple[str, str]] = []
        if self.cluster is not None and not self.storage.url.startswith("postgresql"):
            found.append(("storage.url", "cluster mode needs a PostgreSQL storage.url (postgresql://...) that every "
                                         f"machine shares, got {shown(self.storage.url)}"))
        seen: set[str] = set()
        for i, src in enumerate(self.sources):
            if src.name in seen:
                found.append((f"sources[{i}].name", f"duplicate source name {shown(src.name)}"))
            seen.add(src.name)
        for i, ch in enumerate(self.alerts.channels):
            try:
                build_channel(ch.channel_config(), name=ch.label(i), allow_private=self.crawl.allow_private_addresses)
            except ValueError as exc:
                found.append((f"alerts.channels[{i}]", str(exc)))
        return found

    def source(self, name: str) -> SourceSettings:
        for src in self.sources:
            if src.name == name:
                return src
        raise ConfigError("sources", f"no source named {name!r}")


def columns_asked() -> bool:
    """``$COLUMNS`` is set: tables take that width even when the output is not a terminal."""
    return os.environ.get("COLUMNS", "").strip().isdigit()


def bundled_config_path() -> Path:
    return Path(str(bundled("dealradar.yaml")))


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``-c`` first, then ``$DEALRADAR_CONFIG``, then ``./dealradar.yaml``, then the bundled default."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError("", f"config file not found: {path}")
        return path
    env = os.environ.get(ENV_CONFIG)
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError("", f"{ENV_CONFIG} points to a missing file: {path}")
        return path
    local = Path.cwd() / LOCAL_CONFIG
    if local.is_file():
        return local
    return bundled_config_path()


def _expand(node: Any, path: str, env: dict[str, str], problems: list[tuple[str, str]]) -> Any:
    """``${VAR}`` replaced everywhere; each unset variable is one problem (left as written)."""
    if isinstance(node, dict):
        return {k: _expand(v, f"{path}.{k}" if path else str(k), env, problems) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand(v, f"{path}[{i}]", env, problems) for i, v in enumerate(node)]
    if isinstance(node, str) and "${" in node:

        def sub(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            problems.append((path, f"environment variable {name} is not set"))
            return m.group(0)

        return _ENV_REF.sub(sub, node)
    return node


def settings_from_dict(data: Any, *, env: dict[str, str] | None = None, path: str | None = None) -> Settings:
    """Validate an already-parsed YAML document."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("", "the configuration must be a mapping at the top level")
    problems: list[tuple[str, str]] = []
    data = _expand(data, "", dict(os.environ) if env is None else env, problems)
    if path is not None:
        data = {**data, "path": path}
    settings: Settings | None = None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        env_keys = {k for k, _ in problems}
        problems += [p for p in map(_own_key, describe(Settings, exc.errors())) if p[0] not in env_keys]
    if settings is not None and not problems:
        problems = settings.problems()
    if problems:
        raise ConfigError(*problems[0], more=problems[1:])
    assert settings is not None
    return settings


def _own_key(problem: tuple[str, str]) -> tuple[str, str]:
    """A model check's ``every: expected ...`` names its own key: move it into the key path."""
    key, msg = problem
    m = re.match(r"^([a-z_]+): (.+)$", msg)
    if m and m.group(1) in _ALL_FIELDS:
        return f"{key}.{m.group(1)}" if key else m.group(1), m.group(2)
    return key, msg


_ALL_FIELDS = frozenset(k for model in (StorageSettings, SourceSettings, ChannelSettings, WebSettings)
                         for k in model.model_fields)


def load_settings(explicit: str | os.PathLike[str] | None = None) -> Settings:
    """Find, read, expand and validate the configuration."""
    path = find_config(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("", f"cannot read {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError("", f"{path} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return settings_from_dict(data, path=str(path))
