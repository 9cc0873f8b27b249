"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests: records messages, can stop and start.

    tls = make_tls_material(tmp_path)                       # throwaway CA + localhost cert
    with SMTPTestServer(auth={"alice": "s3cret"}, starttls=tls) as smtp:
        url = smtp.url(user="alice", password="s3cret")     # smtp://alice:s3cret@127.0.0.1:PORT
        ...
        [msg] = smtp.wait_for(1)
        msg.message["Subject"], msg.tls, msg.authenticated_as

``starttls=tls`` offers STARTTLS (``require_starttls=True`` refuses mail without it);
``implicit_tls=tls`` speaks TLS from the first byte (smtps). With ``auth`` the server requires
AUTH (PLAIN/LOGIN) before MAIL. ``fail_next(n, "451 4.3.0 Try later", stage="DATA")`` scripts
refusals. ``stop()``/``start()`` keep the same port, for "server down, then back" tests.
``delay`` (seconds) makes the server wait that long before answering each message's DATA: a slow
mail server, for tests of what happens while a send is in progress.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import logging
import socket
import ssl
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

__all__ = ["ReceivedMessage", "SMTPTestServer", "TLSMaterial", "make_tls_material", "port_is_closed"]


class _QuietLoginData(logging.Filter):
    """aiosmtpd warns about its own deprecated Session.login_data on every AUTH; hide that noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


logging.getLogger("mail.log").addFilter(_QuietLoginData())


# ------------------------------------------------------------------------------------------
# TLS material


@dataclass(frozen=True)
class TLSMaterial:
    """A throwaway CA and a server certificate for localhost / 127.0.0.1 / ::1 (PEM files)."""

    ca_cert: Path
    server_cert: Path
    server_key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.server_cert, self.server_key)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts only this CA (hostname checks stay on)."""
        return ssl.create_default_context(cafile=str(self.ca_cert))


def make_tls_material(
    directory: Path | str | None = None, hostnames: tuple[str, ...] = ("localhost",)
) -> TLSMaterial:
    """Generate a CA and a CA-signed server cert with ``cryptography`` (no network, ~10 ms)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory or tempfile.mkdtemp(prefix="dealradar-tls-"))
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    validity = (now - dt.timedelta(days=1), now + dt.timedelta(days=30))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DealRadar Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = [x509.DNSName(h) for h in hostnames]
    sans += [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    paths = TLSMaterial(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    paths.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.server_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


# ------------------------------------------------------------------------------------------
# Server


@dataclass(frozen=True)
class ReceivedMessage:
    """One accepted message: envelope, raw bytes, parsed message and how the session looked."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message: EmailMessage
    authenticated_as: str | None
    tls: bool

    def part(self, content_type: str) -> str | None:
        """Decoded text of the first part with this content type (``text/plain``, ``text/html``)."""
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_multipart():
                return part.get_content()
        return None


class _Handler:
    def __init__(self, server: SMTPTestServer) -> None:
        self.server = server

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        refusal = self.server._refusal("MAIL")
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self.server._refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self.server._refusal("DATA")
        if refusal:
            return refusal
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8")
        message = email.message_from_bytes(data, policy=default_policy)
        self.server._record(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=data,
                message=message,  # type: ignore[arg-type]
                authenticated_as=session.auth_data if session.authenticated else None,
                tls=session.ssl is not None or self.server.implicit_tls is not None,
            )
        )
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """Controller that can bind port 0 and then keeps the chosen port across restarts.

    ``auth_over_plaintext`` lets AUTH happen without STARTTLS (aiosmtpd also needs this for
    implicit TLS, which it does not count as TLS), without aiosmtpd's UserWarning about it.
    """

    def __init__(self, handler: Any, *, auth_over_plaintext: bool = False, **kwargs: Any) -> None:
        self._auth_over_plaintext = auth_over_plaintext
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        smtp = super().factory()
        if self._auth_over_plaintext:
            smtp._auth_require_tls = False
        return smtp

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPTestServer:
    """aiosmtpd on 127.0.0.1 that records every accepted message."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: Mapping[str, str] | None = None,
        starttls: TLSMaterial | None = None,
        require_starttls: bool = False,
        implicit_tls: TLSMaterial | None = None,
        auth_require_tls: bool | None = None,
        delay: float = 0.0,
    ) -> None:
        if starttls and implicit_tls:
            raise ValueError("choose starttls or implicit_tls, not both")
        self.host = host
        self.port = port
        self.delay = delay
        self.auth = dict(auth or {})
        self.starttls = starttls
        self.require_starttls = require_starttls
        self.implicit_tls = implicit_tls
        # Implicit TLS is TLS already; plain servers with AUTH must allow it to be usable at all.
        self.auth_require_tls = (starttls is not None) if auth_require_tls is None else auth_require_tls
        self._messages: list[ReceivedMessage] = []
        self._refusals: deque[tuple[str, str]] = deque()
        self._cond = threading.Condition()
        self._controller: _Controller | None = None
        self.auth_attempts: list[tuple[str, bool]] = []

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> SMTPTestServer:
        kwargs: dict[str, Any] = {
            "hostname": self.host,
            "port": self.port,
            "server_hostname": "localhost",
            "ready_timeout": 10.0,
        }
        if self.starttls is not None:
            kwargs["tls_context"] = self.starttls.server_context()
            kwargs["require_starttls"] = self.require_starttls
        if self.implicit_tls is not None:
            kwargs["ssl_context"] = self.implicit_tls.server_context()
        if self.auth:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
        controller = _Controller(_Handler(self), auth_over_plaintext=not self.auth_require_tls, **kwargs)
        controller.start()
        self.port = controller.port
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening (connections are then refused); ``start()`` again reuses the port."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> SMTPTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses ---------------------------------------------------------------------------
    def url(
        self,
        user: str | None = None,
        password: str | None = None,
        *,
        scheme: str | None = None,
        query: str = "",
    ) -> str:
        """``smtp://[user:pass@]127.0.0.1:PORT`` (``smtps://`` when the server speaks implicit TLS)."""
        scheme = scheme or ("smtps" if self.implicit_tls else "smtp")
        creds = ""
        if user is not None:
            creds = (
                quote(user, safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
            )
        return f"{scheme}://{creds}{self.host}:{self.port}" + (f"?{query}" if query else "")

    # scripting ---------------------------------------------------------------------------
    def fail_next(
        self, times: int, reply: str = "451 4.3.0 Temporary failure, try again later", stage: str = "DATA"
    ) -> None:
        """Refuse the next ``times`` commands at ``stage`` (MAIL, RCPT or DATA) with ``reply``."""
        stage = stage.upper()
        if stage not in ("MAIL", "RCPT", "DATA"):
            raise ValueError("stage must be MAIL, RCPT or DATA")
        with self._cond:
            self._refusals.extend((stage, reply) for _ in range(times))

    # inspection --------------------------------------------------------------------------
    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._cond:
            return list(self._messages)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until ``count`` messages arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} message(s), got {len(self._messages)}")
                self._cond.wait(left)
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()
            self._refusals.clear()

    # internals ---------------------------------------------------------------------------
    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        ok = user in self.auth and self.auth[user] == password
        with self._cond:
            self.auth_attempts.append((user, ok))
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    def _refusal(self, stage: str) -> str | None:
        with self._cond:
            if self._refusals and self._refusals[0][0] == stage:
                return self._refusals.popleft()[1]
        return None

    def _record(self, message: ReceivedMessage) -> None:
        with self._cond:
            self._messages.append(message)
            self._cond.notify_all()


def port_is_closed(host: str, port: int) -> bool:
    """True when nothing accepts connections on host:port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) != 0
