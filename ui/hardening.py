"""What every HTTP response of the web app carries, and the routes it does not offer.

The chat takes text, never files, so Gradio's upload routes are closed: an anonymous visitor
cannot leave files in the server's temp folder. Every response — the chat, the document pages,
Gradio's own API and assets — gets the same security headers: a content policy that allows the
page's own scripts and event streams and nothing from elsewhere, no framing by other sites, no
MIME sniffing and no full URLs (which hold the user's question) sent to other sites.

Usage::

    server = Hardened(fastapi_app)      # an ASGI app wrapping another; uvicorn.run(server, ...)
"""

from __future__ import annotations

import json

# Gradio's front end injects inline styles and scripts and compiles some code at run time, so
# 'unsafe-inline' and 'unsafe-eval' stay; everything else is limited to this origin.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}
# Gradio's routes for files sent by the browser; the app has no upload field.
CLOSED_ROUTES = ("/gradio_api/upload", "/gradio_api/upload_progress")
CLOSED_MESSAGE = "本服务不接受上传文件。"


class Hardened:
    """ASGI middleware: closes ``CLOSED_ROUTES`` (404 for any method) and adds
    ``SECURITY_HEADERS`` to every HTTP response, streaming ones included."""

    def __init__(self, app) -> None:
        self.app = app
        self._headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _closed(scope.get("path", "")):
            await self._refuse(send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self._headers if name not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send) -> None:
        body = json.dumps({"detail": CLOSED_MESSAGE}, ensure_ascii=False).encode("utf-8")
        headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 404, "headers": headers + self._headers})
        await send({"type": "http.response.body", "body": body})


def _closed(path: str) -> bool:
    """The upload routes, under whatever prefix the app is mounted (``/x/gradio_api/upload``)."""
    path = path.rstrip("/")
    return any(path.endswith(route) for route in CLOSED_ROUTES)
