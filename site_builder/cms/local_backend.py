"""The editor's local backend for `portal serve`: Decap's proxy protocol, answered in Python.

Decap CMS, opened at `http://127.0.0.1:8000/admin/` during `portal serve`, sends its reads and
writes as JSON (`{"action": …, "params": …}`) to this server instead of a git host, so a
信息员 can try the editor on the working tree without an account (the same protocol as npm's
`decap-server` in its file-system mode, with no Node.js needed).

It only listens on the loopback address, answers only pages served from the loopback address
(a web page elsewhere cannot make it write), and reads or writes only inside the content
folder: posts (`.md`) and the attachment types the portal accepts, never through a symbolic
link, never outside.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

log = logging.getLogger("mkdocs.plugins.portal")

API_PATH = "/api/v1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
MAX_REQUEST_BYTES = 64 * 1024 * 1024


class RefusedPath(ValueError):
    """A path the local backend will not touch (message in Chinese)."""


class LocalRepository:
    """The part of the repository the editor may read and write: the content folder."""

    def __init__(self, root: str, content: str, file_types: tuple[str, ...]):
        self.root = os.path.realpath(root)
        self.content = os.path.realpath(content)
        self.file_types = tuple(t.lower() for t in file_types)
        self.name = os.path.basename(self.root)

    def resolve(self, path: str, writing: bool = False) -> str:
        """Absolute path of a repository path `path`, or RefusedPath."""
        if not isinstance(path, str) or not path or "\\" in path or "\0" in path or path.startswith("/"):
            raise RefusedPath(f"路径“{path}”不合法")
        parts = path.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise RefusedPath(f"路径“{path}”不合法")
        full = os.path.join(self.root, *parts)
        if not _inside(full, self.content):
            raise RefusedPath(f"“{path}”不在内容目录中")
        self._refuse_links(full)
        if writing and not self.writable(path):
            raise RefusedPath(f"不能保存“{path}”：只能保存 .md 稿件和允许的附件类型")
        return full

    def writable(self, path: str) -> bool:
        """Posts and accepted attachment types only."""
        extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        return extension == "md" or extension in self.file_types

    def _refuse_links(self, full: str) -> None:
        current = full
        while _inside(current, self.content) and current != self.content:
            if os.path.islink(current):
                raise RefusedPath("不能通过符号链接读写")
            current = os.path.dirname(current)

    def relative(self, full: str) -> str:
        return os.path.relpath(full, self.root).replace(os.sep, "/")

    def list_files(self, folder: str, extension: str, depth: int) -> list[str]:
        """Repository paths of files under `folder` ending in `extension`, `depth` levels deep."""
        try:
            start = self.resolve(folder)
        except RefusedPath:
            return []
        found: list[str] = []
        self._walk(start, extension, depth, found)
        return sorted(found)

    def _walk(self, folder: str, extension: str, depth: int, found: list[str]) -> None:
        if depth <= 0 or not os.path.isdir(folder):
            return
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_dir():
                self._walk(entry.path, extension, depth - 1, found)
            elif entry.name.endswith(extension):
                found.append(self.relative(entry.path))

    def read(self, path: str) -> bytes | None:
        try:
            with open(self.resolve(path), "rb") as handle:
                return handle.read()
        except (OSError, RefusedPath):
            return None

    def write(self, path: str, data: bytes) -> None:
        full = self.resolve(path, writing=True)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        temporary = f"{full}.portal-cms-tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, full)

    def delete(self, path: str) -> None:
        full = self.resolve(path, writing=True)
        if os.path.isfile(full):
            os.remove(full)


def entry(repository: LocalRepository, path: str, label: str | None = None) -> dict:
    """What Decap expects for one entry file (data None when it cannot be read)."""
    data = repository.read(path)
    file = {"path": path, "label": label, "id": hashlib.sha256(data).hexdigest() if data is not None else None}
    return {"data": data.decode("utf-8", errors="replace") if data is not None else None, "file": file}


def media_file(repository: LocalRepository, path: str) -> dict:
    data = repository.read(path)
    if data is None:
        raise RefusedPath(f"找不到文件“{path}”")
    return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64", "path": path, "name": path.rsplit("/", 1)[-1]}


def _asset_bytes(asset: dict) -> bytes:
    content = asset.get("content", "")
    if asset.get("encoding") == "base64":
        return base64.b64decode(content)
    return str(content).encode("utf-8")


def answer(repository: LocalRepository, action: str, params: dict):
    """The JSON answer to one request of Decap's proxy protocol."""
    if action == "info":
        return {"repo": repository.name, "publish_modes": ["simple"], "type": "local_fs"}
    if action == "entriesByFolder":
        paths = repository.list_files(params["folder"], params.get("extension", ""), int(params.get("depth", 1)))
        return [entry(repository, path) for path in paths]
    if action == "entriesByFiles":
        return [entry(repository, f["path"], f.get("label")) for f in params.get("files", [])]
    if action == "getEntry":
        return entry(repository, params["path"])
    if action == "persistEntry":
        return _persist_entry(repository, params)
    if action == "getMedia":
        paths = repository.list_files(params["mediaFolder"], "", 1)
        return [media_file(repository, path) for path in paths if repository.writable(path) and not path.endswith(".md")]
    if action == "getMediaFile":
        return media_file(repository, params["path"])
    if action == "persistMedia":
        asset = params["asset"]
        repository.write(asset["path"], _asset_bytes(asset))
        return media_file(repository, asset["path"])
    if action == "deleteFile":
        repository.delete(params["path"])
        return {"message": f"deleted file {params['path']}"}
    if action == "deleteFiles":
        for path in params.get("paths", []):
            repository.delete(path)
        return {"message": "deleted files"}
    if action == "getDeployPreview":
        return None
    raise KeyError(action)


def _persist_entry(repository: LocalRepository, params: dict) -> dict:
    data_files = params.get("dataFiles") or [params["entry"]]
    for data_file in data_files:  # check every path before writing anything
        repository.resolve(data_file["path"], writing=True)
        if data_file.get("newPath"):
            repository.resolve(data_file["newPath"], writing=True)
    for asset in params.get("assets", []):
        repository.resolve(asset["path"], writing=True)
    for data_file in data_files:
        repository.write(data_file["path"], str(data_file["raw"]).encode("utf-8"))
    for asset in params.get("assets", []):
        repository.write(asset["path"], _asset_bytes(asset))
    for data_file in data_files:
        if data_file.get("newPath") and data_file["newPath"] != data_file["path"]:
            target = repository.resolve(data_file["newPath"], writing=True)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(repository.resolve(data_file["path"]), target)
    return {"message": "entry persisted"}


def local_origin(origin: str | None) -> bool:
    """Whether a request comes from a page on this machine's loopback address."""
    if not origin:
        return False
    parts = urlsplit(origin)
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and (host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS)


class _Handler(BaseHTTPRequestHandler):
    repository: LocalRepository

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        log.debug("网页投稿本地服务：" + format, *args)

    def _headers(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        origin = self.headers.get("Origin")
        if origin and local_origin(origin):
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
            self.send_header("Vary", "Origin")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _json(self, status: int, value) -> None:
        self._headers(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def do_OPTIONS(self):  # noqa: N802 - http.server's naming
        self._headers(204 if local_origin(self.headers.get("Origin")) else 403)

    def do_POST(self):  # noqa: N802 - http.server's naming
        if urlsplit(self.path).path != API_PATH:
            return self._json(404, {"error": "not found"})
        if not local_origin(self.headers.get("Origin")):
            return self._json(403, {"error": "只接受本机页面的请求"})
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST_BYTES:
            return self._json(413, {"error": "请求过大"})
        try:
            request = json.loads(self.rfile.read(length))
            result = answer(self.repository, request["action"], request.get("params") or {})
        except RefusedPath as err:
            log.warning("网页投稿：%s", err)
            return self._json(422, {"error": str(err)})
        except KeyError as err:
            return self._json(422, {"error": f"Unknown action or parameter {err}"})
        except (ValueError, TypeError, OSError) as err:
            log.warning("网页投稿：保存或读取失败（%s）", err)
            return self._json(500, {"error": "保存或读取失败"})
        return self._json(200, result)


def start_local_backend(repository: LocalRepository, port: int) -> ThreadingHTTPServer:
    """Serve the protocol on 127.0.0.1:`port` in a daemon thread; returns the server (shutdown() stops it)."""
    handler = type("PortalCmsHandler", (_Handler,), {"repository": repository})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="portal-cms-backend", daemon=True).start()
    return server


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.normcase(os.path.abspath(path)), os.path.normcase(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
