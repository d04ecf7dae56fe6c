"""Serving: start/stop, HTTP requests to Bot API calls (faults, recording)."""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .objects import ApiError, _bad, _obj, _plain
from .params import UploadedFile, _decode_value, _header_params, _parse_multipart

if TYPE_CHECKING:
    from .core import BotApiEmulator


class _Server(ThreadingHTTPServer):
    """A thread per connection, and room for many connections arriving at once: past the
    listen backlog (socketserver's default is 5) Linux drops the handshake and the client
    waits a second to retry; a burst of replies then stalls, where Telegram would not."""

    daemon_threads = True
    request_queue_size = 128


class ServerMixin:
    """Serving: start/stop, HTTP requests to Bot API calls (faults, recording)."""

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> BotApiEmulator:
        """Bind ``host`` on a free port (unless ``port`` was given) and serve in a thread."""
        if self._server is not None:
            raise RuntimeError("emulator already started")
        handler = type("_BoundHandler", (_Handler,), {"emulator": self})
        server = _Server((self.host, self.port), handler)
        self._server = server
        self.port = server.server_address[1]
        self._stopping = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bot-api-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending long polls return immediately."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._ring()  # webhook deliveries end
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> BotApiEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT`` (the bot appends ``/bot<token>/...``)."""
        if self._server is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    @property
    def bot_id(self) -> int:
        return self.bot_user["id"]

    @property
    def bot_username(self) -> str:
        return self.bot_user["username"]

    # ---------------------------------------------------------------- internals: HTTP

    def _handle_http(self, verb: str, raw_path: str, headers: Any, body: bytes):
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        m = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        if m:
            token, file_path = m.groups()
            with self._lock:
                file_id = self._files_by_path.get(file_path)
                record = self._files.get(file_id) if file_id else None
            if token != self.token or record is None or verb not in ("GET", "HEAD"):
                return 404, "text/plain", b"Not Found"
            return 200, "application/octet-stream", record["data"]
        m = re.fullmatch(r"/bot([^/]*)/([^/]*)", path)
        if not m:
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method = m.groups()
        if token != self.token:
            head, sep, secret = token.partition(":")
            if head.isdigit() and sep and secret:
                return self._json(
                    401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        try:
            params, files = self._parse_request(parts.query, headers, body)
        except ApiError as err:
            return self._json(err.code, err.payload())
        status, payload = self._call(method, params, files)
        return self._json(status, payload)

    @staticmethod
    def _json(status: int, payload: dict):
        return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()

    @staticmethod
    def _parse_request(query: str, headers: Any, body: bytes):
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            params[key] = _decode_value(key, value)
        ctype = headers.get("Content-Type", "") or ""
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime == "multipart/form-data":
            boundary = _header_params(ctype).get("boundary")
            if not boundary:
                raise _bad("invalid multipart/form-data: no boundary")
            fields, files = _parse_multipart(body, boundary)
            for key, value in fields.items():
                params[key] = _decode_value(key, value)
        elif mime == "application/json":
            if body.strip():
                try:
                    decoded = json.loads(body)
                except ValueError:
                    raise _bad("can't parse JSON object") from None
                if not isinstance(decoded, dict):
                    raise _bad("can't parse JSON object")
                params.update(decoded)
        elif body:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise _bad("invalid request encoding") from None
            for key, value in parse_qsl(text, keep_blank_values=True):
                params[key] = _decode_value(key, value)
        return params, files

    def _call(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        received = time.monotonic()
        entry = self._methods.get(method.lower())
        record: dict[str, Any] = {
            "method": entry[0] if entry else method,
            "params": _plain(params),
            "files": {
                name: {"filename": f.filename, "size": len(f.data), "content_type": f.content_type}
                for name, f in files.items()
            },
            "time": received,
            "chat_id": None,
        }
        try:
            with self._lock:
                record["chat_id"] = self._chat_id_value(params.get("chat_id"))
        except ApiError:
            pass
        try:
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            name, handler = entry
            with self._lock:
                for fault in self._faults:
                    if fault.method == name.lower() and (
                        fault.chat_id is None or fault.chat_id == record["chat_id"]
                    ):
                        if fault.times is not None:
                            fault.times -= 1
                            if fault.times <= 0:
                                self._faults.remove(fault)
                        raise ApiError(
                            fault.error.code, fault.error.description, fault.error.parameters
                        )
            if name == "getUpdates":
                result = handler(params, files)
            else:
                with self._lock:
                    result = handler(params, files)
        except ApiError as err:
            record["error"] = err.payload()
            with self._lock:
                self.rejected.append(_obj(record))
            return err.code, err.payload()
        except Exception as exc:  # an emulator bug or a parameter shape we do not handle
            err = ApiError(500, f"Internal Server Error: emulator failed: {exc!r}")
            record["error"] = err.payload()
            record["traceback"] = traceback.format_exc()
            with self._lock:
                self.rejected.append(_obj(record))
                self.internal_errors.append(record["traceback"])
            return err.code, err.payload()
        if isinstance(result, dict) and isinstance(result.get("chat"), dict):
            record["chat_id"] = result["chat"]["id"]
        elif name == "answerCallbackQuery":
            with self._lock:
                query = self._callbacks.get(str(params.get("callback_query_id")), {})
                record["chat_id"] = (
                    query.get("query", {}).get("message", {}).get("chat", {}).get("id")
                )
        record["result"] = _plain(result)
        accepted = _obj(record)
        with self._cond:
            self.calls.append(accepted)
            self._cond.notify_all()
        if self.on_call is not None:  # e.g. kill the caller: it arrived, no answer goes back
            self.on_call(accepted)
        return 200, {"ok": True, "result": result}


class _CutShort(Exception):
    """A request body shorter than its Content-Length: Telegram never sees such a call."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # otherwise keep-alive responses stall ~40 ms (delayed ACK)
    server_version = "nginx/1.18.0"
    sys_version = ""
    emulator: BotApiEmulator

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        if len(body) < length:  # the client went away mid-request (e.g. killed): no call
            raise _CutShort
        return body

    def _handle(self, head: bool = False) -> None:
        try:
            body = self._read_body()
        except (_CutShort, OSError):
            self.close_connection = True
            return
        try:
            status, ctype, payload = self.emulator._handle_http(
                "GET" if head else self.command, self.path, self.headers, body
            )
        except Exception as exc:  # an emulator bug: still answer in Bot API format
            status, ctype = 500, "application/json"
            payload = json.dumps(
                {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc!r}"}
            ).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if not head:
                self.wfile.write(payload)
        except OSError:  # client went away (e.g. a cancelled long poll)
            self.close_connection = True
