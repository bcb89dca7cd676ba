from django.test import RequestFactory

from sanxing.core.net import client_ip


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_behind_the_trusted_proxy_the_client_is_the_forwarded_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    # a client that forges the header only adds hops before the proxy's own
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_an_untrusted_sender_cannot_forge_its_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"
