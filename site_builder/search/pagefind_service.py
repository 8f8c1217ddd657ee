"""A client of `pagefind --service` (Pagefind's own indexer), used for its browser library
(`index_files.bundle`) and by the tests that compare the portal's index files with Pagefind's."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading

from .index_files import CHUNK_LOCATIONS


class PagefindProcess:
    """One `pagefind --service` process, spoken to over its stdin/stdout protocol.

    The protocol is the one of Pagefind's Python package (base64 JSON messages, each
    followed by a comma); this client writes all requests from a thread while it reads
    the answers, instead of the package's asyncio loop that sleeps 0.1 s per answer.
    """

    def __init__(self):
        from pagefind.service import get_executable

        executable = get_executable()
        if executable is None:
            raise RuntimeError("找不到 Pagefind 程序：请安装 pagefind[extended]（pip install -e .）")
        environment = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=str(CHUNK_LOCATIONS))
        self.process = subprocess.Popen([str(executable), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
        self.next_id = 0
        self.buffer = bytearray()

    def __enter__(self) -> PagefindProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait()

    def request(self, payload: dict) -> dict:
        """Send one request and wait for its answer."""
        return self.requests([payload])[0]

    def requests(self, payloads: list[dict]) -> list[dict]:
        """Send many requests (written from a thread) and return their answers in order."""
        first = self.next_id
        self.next_id += len(payloads)
        writer = threading.Thread(target=self._write, args=(payloads, first), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        while len(answers) < len(payloads):
            message = self._read()
            answers[message.get("message_id")] = message["payload"]
        writer.join()
        results = [answers[first + i] for i in range(len(payloads))]
        for result in results:
            if result.get("type") == "Error":
                raise RuntimeError(f"Pagefind 建立索引失败：{result.get('message')}")
        return results

    def _write(self, payloads: list[dict], first: int) -> None:
        stream = self.process.stdin
        for offset, payload in enumerate(payloads):
            message = json.dumps({"message_id": first + offset, "payload": payload}, ensure_ascii=False)
            stream.write(base64.b64encode(message.encode("utf-8")) + b",")
        stream.flush()

    def _read(self) -> dict:
        """The next answer: base64 JSON up to a comma."""
        end, scanned = self.buffer.find(b","), 0
        while end < 0:
            scanned = len(self.buffer)
            chunk = self.process.stdout.read1(1 << 20)  # type: ignore[attr-defined]  # a BufferedReader
            if not chunk:
                raise RuntimeError("Pagefind 进程意外退出，搜索索引未生成")
            self.buffer += chunk
            end = self.buffer.find(b",", scanned)
        message = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return json.loads(base64.b64decode(message))
