"""Email channel: one multipart/alternative message (plain text + HTML) per alert, via SMTP.

``smtp://host:port`` upgrades with STARTTLS when the server offers it (``starttls: auto``), insists
on it (``required``) or skips it (``never``); ``smtps://host:465`` is TLS from the first byte.
Credentials in the URL are used for AUTH and are never sent over an unencrypted connection
unless ``starttls: never`` says so. SMTP's own reply classes decide retries: 4xx and lost
connections are temporary, 5xx is permanent.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, getaddresses, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.alerts.channels.base import Delivery, DeliveryError, parse_seconds, short_hash
from crawler.alerts.messages import render_html, render_text, subject_line

log = logging.getLogger(__name__)

STARTTLS_MODES = ("auto", "required", "never")
_EMAIL_KEYS = {"smtp", "from", "to", "starttls", "verify", "timeout"}
_HEADER_UNSAFE = re.compile(r"[\r\n\x00]")


class EmailChannel:
    """Sends each alert as an email through one SMTP server."""

    kind = "email"

    def __init__(
        self,
        smtp_url: str,
        *,
        sender: str,
        to: str | Sequence[str],
        name: str | None = None,
        starttls: str | None = None,
        verify: bool | str = True,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        local_hostname: str | None = None,
    ) -> None:
        """``verify``: True (system CAs), False (no checks; tests only) or a CA bundle path.

        ``ssl_context`` overrides ``verify`` entirely. ``starttls`` overrides ``?starttls=`` in
        the URL; the default is ``auto``.
        """
        parts = urlsplit(smtp_url)
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                f"email smtp must be smtp://[user:pass@]host[:port] or smtps://..., got {_redact(smtp_url)!r}"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"email smtp has a bad port: {_redact(smtp_url)!r}") from exc
        query = parse_qs(parts.query)
        mode = (starttls or (query.get("starttls") or ["auto"])[-1]).lower()
        if mode not in STARTTLS_MODES:
            raise ValueError(f"email starttls must be one of {', '.join(STARTTLS_MODES)}, got {mode!r}")
        self.host = parts.hostname
        self.implicit_tls = scheme == "smtps"
        self.port = port or (465 if self.implicit_tls else 25)
        self.starttls = mode
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password is not None else None
        if self.username and self.password is None:
            raise ValueError("email smtp URL names a user but no password (smtp://user:password@host)")
        self.sender = _address(sender, "from")
        recipients = [to] if isinstance(to, str) else list(to or [])
        if not recipients:
            raise ValueError("email to must name at least one recipient")
        self.recipients = [_address(r, "to") for r in recipients]
        self.timeout = timeout
        self.local_hostname = local_hostname or _local_hostname()
        self._ssl_context = ssl_context or _context(verify)
        self.name = (
            name
            or f"email:{','.join(parseaddr(r)[1] for r in self.recipients)}#{short_hash(self.host, str(self.port))}"
        )

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], *, name: str | None = None) -> EmailChannel:
        """Build from the ``email:`` mapping of a channel entry; ValueError names the bad key."""
        if not isinstance(cfg, Mapping):
            raise ValueError("email must be a mapping with smtp, from and to")
        unknown = sorted(str(k) for k in cfg if k not in _EMAIL_KEYS)
        if unknown:
            raise ValueError(
                f"unknown key(s) {', '.join(unknown)} in email channel; allowed: {', '.join(sorted(_EMAIL_KEYS))}"
            )
        for key in ("smtp", "from", "to"):
            if not cfg.get(key):
                raise ValueError(f"email channel needs {key!r}")
        if not isinstance(cfg["smtp"], str):
            raise ValueError("email smtp must be a URL string")
        to = cfg["to"]
        if not isinstance(to, str) and not (
            isinstance(to, list | tuple) and all(isinstance(t, str) for t in to)
        ):
            raise ValueError("email to must be an address or a list of addresses")
        starttls = cfg.get("starttls")
        if starttls is not None and not isinstance(starttls, str):
            raise ValueError(f"email starttls must be one of {', '.join(STARTTLS_MODES)}")
        verify = cfg.get("verify", True)
        if not isinstance(verify, bool | str):
            raise ValueError("email verify must be true, false or a CA bundle path")
        return cls(
            cfg["smtp"],
            sender=str(cfg["from"]),
            to=to,
            name=name,
            starttls=starttls,
            verify=verify,
            timeout=parse_seconds(cfg.get("timeout", 30.0), "email timeout"),
        )

    def __repr__(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"EmailChannel(name={self.name!r}, server={scheme}://{self.host}:{self.port}, to={self.recipients!r})"

    def build_message(self, delivery: Delivery) -> EmailMessage:
        """The email for one delivery: subject line, text part, escaped HTML part.

        The Message-ID derives from the delivery id, so a retried alert is recognisably the same
        message to mail clients that deduplicate.
        """
        payload = delivery.payload
        msg = EmailMessage(policy=SMTP_POLICY)
        msg["Subject"] = subject_line(payload)
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.recipients)
        msg["Date"] = formatdate(usegmt=True)
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "dealradar.invalid"
        token = re.sub(r"[^A-Za-z0-9._-]", "-", delivery.delivery_id)[:128]
        msg["Message-ID"] = f"<dealradar.{token}@{domain}>"
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-DealRadar-Event"] = delivery.event
        msg["X-DealRadar-Delivery"] = delivery.delivery_id
        if payload.get("test") is True:
            msg["X-DealRadar-Test"] = "1"
        msg.set_content(render_text(payload))
        msg.add_alternative(render_html(payload), subtype="html")
        return msg

    def send(self, delivery: Delivery) -> None:
        """Connect, secure, authenticate and send once; raise a classified ``DeliveryError``."""
        msg = self.build_message(delivery)
        where = f"{self.name} ({self.host}:{self.port})"
        smtp: smtplib.SMTP | None = None
        try:
            smtp = self._connect()
            refused = smtp.send_message(
                msg, from_addr=parseaddr(self.sender)[1], to_addrs=[parseaddr(r)[1] for r in self.recipients]
            )
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            retryable = all(_temporary(code) for code in codes)
            detail = "; ".join(
                f"{rcpt}: {code} {_text(msg_)}" for rcpt, (code, msg_) in exc.recipients.items()
            )
            raise DeliveryError(
                f"{where}: all recipients refused: {detail}",
                retryable=retryable,
                status=max(codes, default=None),
            ) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth failed, ...
            raise DeliveryError(
                f"{where}: {type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}",
                retryable=_temporary(exc.smtp_code),
                status=exc.smtp_code if exc.smtp_code > 0 else None,
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"{where}: server does not support {exc}", retryable=False) from exc
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"{where}: TLS certificate not trusted: {exc.verify_message or exc}", retryable=False
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused, timeouts, TLS resets
            raise DeliveryError(f"{where}: {type(exc).__name__}: {exc}", retryable=True) from exc
        finally:
            if smtp is not None:
                _close(smtp)
        if refused:
            # Some recipients took it: retrying would send them a duplicate, so report and move on.
            log.warning("%s: some recipients refused delivery %s: %s", where, delivery.delivery_id, refused)

    def _connect(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                self.host,
                self.port,
                timeout=self.timeout,
                context=self._ssl_context,
                local_hostname=self.local_hostname,
            )
        else:
            smtp = smtplib.SMTP(
                self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname
            )
        try:
            smtp.ehlo()
            secure = self.implicit_tls
            if not secure and self.starttls != "never":
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self._ssl_context)
                    smtp.ehlo()
                    secure = True
                elif self.starttls == "required":
                    raise DeliveryError(
                        f"{self.name}: {self.host}:{self.port} does not offer STARTTLS and starttls is required",
                        retryable=False,
                    )
            if self.username:
                if not secure and self.starttls != "never":
                    raise DeliveryError(
                        f"{self.name}: refusing to send SMTP credentials over an unencrypted connection to "
                        f"{self.host}:{self.port}; use smtps://, a server with STARTTLS, or starttls: never",
                        retryable=False,
                    )
                smtp.login(self.username, self.password or "")
        except BaseException:
            _close(smtp)
            raise
        return smtp


def _temporary(code: int) -> bool:
    """SMTP 4xx (and anything that is not a clear 5xx) may succeed later; 5xx will not."""
    return not 500 <= code < 600


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT politely but never let a failing QUIT turn a sent message into an error."""
    with contextlib.suppress(Exception):
        smtp.quit()
    with contextlib.suppress(Exception):
        smtp.close()


def _address(value: str, key: str) -> str:
    if not isinstance(value, str) or _HEADER_UNSAFE.search(value):
        raise ValueError(f"email {key} must be a single-line address")
    pairs = getaddresses([value])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        raise ValueError(f"email {key} is not an address: {value!r}")
    return value.strip()


def _context(verify: bool | str) -> ssl.SSLContext:
    if verify is True:
        return ssl.create_default_context()
    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"email verify: cannot load CA bundle {verify!r}: {exc}") from exc


def _local_hostname() -> str:
    """EHLO name without a DNS lookup (smtplib's default getfqdn() can stall for seconds)."""
    name = socket.gethostname() or "localhost"
    return name if re.fullmatch(r"[A-Za-z0-9.-]+", name) else "localhost"


def _redact(url: str) -> str:
    return re.sub(r"//[^/@]*@", "//***@", url)
