"""knowsley_sv.client: who the client is, by worked examples and a property. No database."""

import ipaddress

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from knowsley_sv.client import client_address, forwarded_client

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("forwarded_for", "trusted", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),  # one load balancer: the address it saw
        ("192.0.2.99, 203.0.113.7", 1, "203.0.113.7"),  # a forged hop in front is not believed
        ("192.0.2.99,203.0.113.7 , 10.0.0.9", 2, "203.0.113.7"),  # two proxies: the second hop from the right
        ("203.0.113.7", 3, "203.0.113.7"),  # fewer hops than proxies: the leftmost
        ("", 1, PROXY),  # no header: the connection's address
        ("203.0.113.7", 0, PROXY),  # no trusted proxy: the header is ignored
        ("not-an-address", 1, PROXY),  # junk where the client should be: the connection's address
        ("2001:DB8::0001", 1, "2001:db8::1"),  # IPv6, in its one normal spelling
    ],
)
def test_the_client_is_the_first_hop_no_trusted_proxy_vouches_for(forwarded_for, trusted, expected):
    assert (
        forwarded_client(forwarded_for=forwarded_for, remote_addr=PROXY, trusted_proxies=trusted) == expected
    )


addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)


@given(
    forged=st.lists(st.one_of(addresses, st.text(alphabet="0123456789.:abc ", max_size=12)), max_size=4),
    vouched=st.lists(addresses, min_size=1, max_size=3),
)
def test_nothing_the_client_writes_in_front_changes_who_it_is(forged, vouched):
    """Whatever the client puts to the left of what the trusted proxies appended, the answer is the same."""
    trusted = len(vouched)
    honest = forwarded_client(forwarded_for=", ".join(vouched), remote_addr=PROXY, trusted_proxies=trusted)
    chain = ", ".join([*forged, *vouched])
    assert forwarded_client(forwarded_for=chain, remote_addr=PROXY, trusted_proxies=trusted) == honest
    assert honest == str(ipaddress.ip_address(vouched[0]))


@pytest.mark.parametrize(
    ("behind_proxy", "expected"),
    [(False, PROXY), (True, "203.0.113.7")],
)
def test_client_address_trusts_forwarded_for_only_behind_a_proxy(settings, behind_proxy, expected):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = behind_proxy, 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert client_address(request) == expected
