"""The crawl's address guard: only globally routable addresses pass unless crawl.allow_private_addresses, in
every spelling of an address a fetcher would reach. No lookups: the system resolver is made to fail the test
if asked, and names resolve through a stub."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from crawler.alerts.channels.webhook import is_public_address as webhook_target_is_public
from crawler.net.urlpolicy import PrivateAddressError, check_url, embedded_ipv4, ip_literal, is_public_address


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the system resolver was asked: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


NOT_PUBLIC = [
    # carrier-grade NAT, with a cloud metadata address in it
    "100.64.0.1", "100.100.100.200", "100.127.255.254",
    # the usual internal ranges
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "0.1.2.3",
    "192.0.0.1", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "240.0.0.1", "255.255.255.255",
    "224.0.0.1", "239.255.255.250", "192.88.99.1",
    # IPv6 internal
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "ff0e::1", "2001:db8::1",
    "100::1", "3fff::1", "5f00::1", "2001:10::1",
    # IPv6 forms that carry an internal IPv4 address
    "::ffff:127.0.0.1", "::ffff:100.64.0.1", "::ffff:0:a9fe:a9fe", "::127.0.0.1", "::a9fe:a9fe",
    "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:6440:1::", "2002:a00:1:1234::1", "2002::",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::6440:1", "64:ff9b:1::808:808",
    # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
]
PUBLIC = ["8.8.8.8", "93.184.215.14", "1.1.1.1", "100.63.255.255", "100.128.0.0", "2606:4700::1111",
          "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_not_globally_routable_addresses_are_refused(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not is_public_address(ip)
    host = f"[{address}]" if ip.version == 6 else address
    with pytest.raises(PrivateAddressError, match="internal address"):
        check_url(f"http://{host}/feed.xml", allow_private=False)
    check_url(f"http://{host}/feed.xml", allow_private=True)  # the setting lets it through
    assert not webhook_target_is_public(address)  # webhooks follow the same rule


@pytest.mark.parametrize("address", PUBLIC)
def test_globally_routable_addresses_pass(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert is_public_address(ip)
    check_url(f"http://{f'[{address}]' if ip.version == 6 else address}:8080/a", allow_private=False)
    assert webhook_target_is_public(address)


@pytest.mark.parametrize(("spelling", "meant"), [
    ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("1681915905", "100.64.0.1"),
    ("0x64.0x40.0.1", "100.64.0.1"), ("100.4194305", "100.64.0.1"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    ("[::ffff:7f00:1]", "::ffff:127.0.0.1"), ("[fe80::1%25eth0]", "fe80::1"), ("[2002:6440:0001::]", "2002:6440:1::"),
])
def test_old_and_odd_ip_spellings_are_read_as_the_address_they_reach(spelling: str, meant: str) -> None:
    host = spelling.replace("%25", "%")
    assert ip_literal(host) == ipaddress.ip_address(meant)
    with pytest.raises(PrivateAddressError):
        check_url(f"http://{spelling}/", allow_private=False)


@pytest.mark.parametrize("name", ["1.2.3.4.5", "256.1.1.1", "08", "0x1g", "news.example", "1e3"])
def test_names_that_are_not_ip_spellings_go_to_the_resolver(name: str) -> None:
    assert ip_literal(name) is None
    asked: list[str] = []
    check_url(f"http://{name}/", allow_private=False, resolve=lambda host: asked.append(host) or ("8.8.8.8",))
    assert asked == [name.lower()]


@pytest.mark.parametrize(("answers", "refused"), [
    (("93.184.215.14",), False),
    (("100.100.100.200",), True),  # a public name pointing into carrier-grade NAT
    (("2002:a9fe:a9fe::1",), True),  # ... or at 6to4 around the metadata address
    (("93.184.215.14", "10.0.0.5"), True),  # any internal answer refuses the host
    (("2606:4700::1111", "64:ff9b::7f00:1"), True),
    (("fe80::1%eth0",), True),
    ((), False),  # no answer: left to the fetch, which reports the DNS failure
])
def test_a_name_is_judged_by_every_address_it_resolves_to(answers: tuple[str, ...], refused: bool) -> None:
    def resolve(host: str) -> tuple[str, ...]:
        return answers

    if refused:
        with pytest.raises(PrivateAddressError, match="internal address"):
            check_url("https://news.example/feed", allow_private=False, resolve=resolve)
    else:
        check_url("https://news.example/feed", allow_private=False, resolve=resolve)
    check_url("https://news.example/feed", allow_private=True, resolve=resolve)
    check_url("https://news.example/feed", allow_private=False, allow_hosts=[".example"], resolve=resolve)


def test_embedded_ipv4_reads_each_wrapping() -> None:
    v4 = ipaddress.IPv4Address("198.51.100.7")
    for wrapped in ("::ffff:198.51.100.7", "::ffff:0:198.51.100.7", "2002:c633:6407::1", "64:ff9b::198.51.100.7"):
        assert embedded_ipv4(ipaddress.IPv6Address(wrapped)) == v4
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1111")) is None
