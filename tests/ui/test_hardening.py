"""Security headers on every route and no upload route, over the fake-embedder index."""

from __future__ import annotations

import pytest

from ui.hardening import CLOSED_MESSAGE, SECURITY_HEADERS, Hardened, _closed


@pytest.fixture(scope="module")
def client(staff_assistant):
    from fastapi.testclient import TestClient

    from ui.app import create_server

    with TestClient(create_server(staff_assistant)) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    ["/", "/doc/", "/doc/明政办规〔2023〕4号", "/doc/no-such-document", "/gradio_api/info", "/config", "/no/such/route"],
)
def test_every_route_carries_the_security_headers(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code < 500, response.text[:300]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/upload/", "/gradio_api/upload_progress"])
def test_the_upload_routes_are_closed(client, path):
    sent = client.post(path, files={"files": ("evil.html", b"<script>alert(1)</script>", "text/html")})
    assert sent.status_code == 404
    assert sent.json() == {"detail": CLOSED_MESSAGE}
    assert sent.headers["x-content-type-options"] == "nosniff"
    assert client.get(path).status_code == 404


def test_only_the_upload_routes_are_closed():
    assert _closed("/gradio_api/upload") and _closed("/prefix/gradio_api/upload_progress")
    assert not _closed("/doc/upload") and not _closed("/gradio_api/info") and not _closed("/")


def test_headers_set_by_the_app_are_kept_and_not_doubled():
    import asyncio

    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-frame-options", b"SAMEORIGIN")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    asyncio.run(Hardened(app)({"type": "http", "path": "/"}, None, send))
    headers = sent[0]["headers"]
    assert [value for name, value in headers if name == b"x-frame-options"] == [b"SAMEORIGIN"]
    assert (b"referrer-policy", b"no-referrer") in headers
