"""The preview server's HTTP side under hostile requests: other Host names,
oversized bodies, paths and websocket messages.

A real PreviewServer (threads of this process) on a free port; requests are
written byte for byte on a socket, as an attacker (or a DNS-rebinding web
page, whose requests carry its own name in `Host`) would send them.
"""
from __future__ import annotations

import base64
import json
import logging
import socket
import time

import pytest
from livereload.handlers import LiveReloadHandler

from feature.commands.serve import preview_builder
from feature.preview.http import host_allowed
from feature.preview.server import PreviewServer
from tests.support import article


@pytest.fixture
def edition(make_edition):
    return make_edition({"content/alpha/one.md": article("第一篇", "alpha", body="第一篇正文。\n")})


def start_preview(edition, host="127.0.0.1"):
    LiveReloadHandler.waiters.clear()
    server = PreviewServer(edition / "config.yaml", host=host, port=0, log=open("/dev/null", "w"),
                           builder=preview_builder(edition / "config.yaml"))
    server.start()
    return server


@pytest.fixture
def preview(edition):
    server = start_preview(edition)
    yield server
    server.stop()


def request(port: int, head: str, body: bytes = b"", address: str = "127.0.0.1", timeout: float = 5
            ) -> tuple[int, bytes]:
    """Send `head` (request line and headers, without the blank line) and `body`;
    → (status, response body). Status 0: the server closed without answering."""
    with socket.create_connection((address, port), timeout=timeout) as s:
        try:
            s.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            pass                                # refused while the body was still on its way
        data = b""
        try:
            while (chunk := s.recv(65536)) and not _complete(data := data + chunk):
                pass
        except ConnectionResetError:
            pass
    if not data:
        return 0, b""
    head_part, _, rest = data.partition(b"\r\n\r\n")
    return int(head_part.split()[1]), rest


def _complete(data: bytes) -> bool:
    """A whole response: its headers, and as many bytes as they announce (a
    websocket's 101 announces none; keep-alive answers are not followed by a close)."""
    head, found, rest = data.partition(b"\r\n\r\n")
    if not found:
        return False
    if b" 101 " in head.split(b"\r\n", 1)[0]:
        return True
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")[1:]
                   if line.lower().startswith(b"content-length:")), None)
    return length is not None and len(rest) >= length


def get(port, target="/", host="127.0.0.1", address="127.0.0.1") -> tuple[int, bytes]:
    return request(port, f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close", address=address)


def websocket(port, host, address="127.0.0.1") -> int:
    key = base64.b64encode(b"0123456789abcdef").decode()
    status, _ = request(port, f"GET /livereload HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                              f"Sec-WebSocket-Version: 13", address=address)
    return status


def test_host_rule():
    assert host_allowed("localhost:8000", "127.0.0.1")
    assert host_allowed("LOCALHOST", "::1")
    assert host_allowed("127.0.0.1:8000", "127.0.0.1")
    assert host_allowed("[::1]:8000", "::1")
    assert host_allowed("192.168.1.23:8000", "::ffff:192.168.1.23")    # a dual-stack socket
    assert not host_allowed("evil.example:8000", "127.0.0.1")           # DNS rebinding
    assert not host_allowed("127.0.0.1.nip.io:8000", "127.0.0.1")
    assert not host_allowed("192.168.1.99:8000", "192.168.1.23")        # not the address asked
    assert not host_allowed("2130706433", "127.0.0.1")
    assert not host_allowed("", "127.0.0.1") and not host_allowed(None, "127.0.0.1")


def test_other_names_get_nothing(preview):
    """DNS rebinding: a page at evil.example whose name now points at 127.0.0.1 asks
    for the unpublished edition, the build status and the reload websocket."""
    port = preview.port
    for target in ("/", "/alpha/one/index.html", "/__preview/status", "/__preview/client.js",
                   "/livereload.js", "/nowhere"):
        status, body = get(port, target, host=f"evil.example:{port}")
        assert status == 403, target
        assert "第一篇".encode() not in body and b"epoch" not in body
    assert websocket(port, f"evil.example:{port}") == 403
    status, body = get(port, "/alpha/one/index.html", host=f"127.0.0.1:{port}")
    assert status == 200 and "第一篇".encode() in body
    assert get(port, "/alpha/one/index.html", host=f"localhost:{port}")[0] == 200
    assert json.loads(get(port, "/__preview/status", host=f"localhost:{port}")[1])["errors"] == []
    assert websocket(port, f"localhost:{port}") == 101
    assert request(port, "GET / HTTP/1.0")[0] == 403        # no Host at all


def test_open_to_the_network_the_machines_own_address_works(edition):
    """`--host 0.0.0.0` (a phone on the LAN): the address the phone opened is the
    one the request arrives on, and the Host it sends; other names still get 403.
    127.0.0.2 stands for a second address of this machine (all of 127/8 is ours)."""
    server = start_preview(edition, host="0.0.0.0")
    try:
        port = server.port
        for address in ("127.0.0.1", "127.0.0.2"):
            assert get(port, "/alpha/one/index.html", f"{address}:{port}", address)[0] == 200
            assert websocket(port, f"{address}:{port}", address) == 101
            assert get(port, "/__preview/status", f"evil.example:{port}", address)[0] == 403
            assert websocket(port, f"evil.example:{port}", address) == 403
        assert get(port, "/", f"127.0.0.1:{port}", "127.0.0.2")[0] == 403   # not the address it came in on
    finally:
        server.stop()


def test_an_oversized_body_is_refused_before_it_is_read(preview):
    """A 95 MB POST grew the preview to 401 MB before its 405: it is now refused on
    its headers. The server then answers the next request as before."""
    port = preview.port
    started = time.monotonic()
    status, _ = request(port, f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 95000000",
                        body=b"x" * 65536)
    assert status == 400 and time.monotonic() - started < 5
    chunked = b"".join(b"10000\r\n" + b"x" * 65536 + b"\r\n" for _ in range(4))
    status, _ = request(port, f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nTransfer-Encoding: chunked",
                        body=chunked)
    assert status in (0, 400)
    assert get(port, "/alpha/one/index.html", f"127.0.0.1:{port}")[0] == 200


def test_long_paths_get_an_answer_not_a_traceback(preview, caplog):
    """A 5,000-segment path gave a 500 and a traceback (the file name is too long
    for the disk); a path far longer than any page gets 414, a segment longer
    than a file name 404."""
    port = preview.port
    caplog.set_level(logging.WARNING)
    assert get(port, "/a" * 5000, f"127.0.0.1:{port}")[0] == 414
    assert get(port, "/" + "x" * 300 + "/index.html", f"127.0.0.1:{port}")[0] == 404
    assert get(port, "/" + "/".join(["y" * 255] * 7), f"127.0.0.1:{port}")[0] == 404
    status, _ = request(port, f"GET /{'z' * 20000} HTTP/1.1\r\nHost: 127.0.0.1:{port}")
    assert status in (0, 400, 431)             # over the header limit: refused unread
    assert get(port, "/alpha/one/index.html", f"127.0.0.1:{port}")[0] == 200
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_websocket_message_that_is_not_livereload_closes_it(preview, caplog):
    """Garbage or a huge frame on the reload websocket closes that one socket, quietly."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from tornado.websocket import websocket_connect
    port = preview.port
    caplog.set_level(logging.WARNING)

    async def send(message):
        ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload", max_message_size=10**8)
        await ws.write_message(message)
        closed = await ws.read_message()
        return closed, ws.close_code
    for message in ("not json", "[1, 2]", json.dumps({"command": "x" * 200_000})):
        with ThreadPoolExecutor(1) as thread:       # its own event loop, whatever runs in this thread
            closed, code = thread.submit(asyncio.run, asyncio.wait_for(send(message), 10)).result()
        assert closed is None and code in (1003, 1009), message
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
