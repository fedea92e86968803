"""A TCP proxy on 127.0.0.1 that puts a remote web host's latency in front of a local database.

The hotel's MySQL usually sits on a remote web host, 5-30 ms away; the benchmark's MariaDB is on
this machine. The proxy forwards each connection to the real server and delivers every chunk of
bytes ``one_way_ms`` after it arrived, in both directions (so a round trip costs twice that),
preserving order. It also counts round trips: a chunk the client sends after the server last
spoke (or first on a connection) opens one, so a statement, a ping, a COMMIT or a ROLLBACK count
one each, whatever size they are; the server's greeting and the client's login count one.

Run it in its own process (``python -m bench.delayproxy --target HOST:PORT --one-way-ms 10``) so
its event loop never competes with the code measured for the GIL. It prints ``port=N control=M``;
the control port answers ``stats`` (JSON: round trips, connections, bytes) and ``reset`` (the
same, then zero).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
from typing import Any

__all__ = ["DelayProxy"]


class _Counters:
    def __init__(self) -> None:
        self.round_trips = 0
        self.connections = 0
        self.bytes_up = 0
        self.bytes_down = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    delay: float,
    on_chunk,
) -> None:
    """Copy ``reader`` to ``writer``, each chunk delivered ``delay`` seconds after it arrived."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            on_chunk(data)
            queue.put_nowait((time.monotonic() + delay, data))
            if not data:
                break
        await task
    except (ConnectionError, OSError):
        task.cancel()
    finally:
        writer.close()


async def _serve(target: tuple[str, int], one_way_ms: float, ready) -> None:
    counters = _Counters()
    delay = one_way_ms / 1000.0

    async def handle(c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        try:
            s_reader, s_writer = await asyncio.open_connection(*target)
        except OSError:
            c_writer.close()
            return
        counters.connections += 1
        sock = s_writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        turn = {"client": False}  # True while the client is the last to have spoken

        def up(data: bytes) -> None:
            counters.bytes_up += len(data)
            if data and not turn["client"]:
                counters.round_trips += 1
                turn["client"] = True

        def down(data: bytes) -> None:
            counters.bytes_down += len(data)
            if data:
                turn["client"] = False

        await asyncio.gather(
            _pump(c_reader, s_writer, delay, up),
            _pump(s_reader, c_writer, delay, down),
            return_exceptions=True,
        )

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readline()).decode().strip()
        answer = json.dumps(counters.as_dict()) + "\n"
        if line == "reset":
            counters.__init__()
        writer.write(answer.encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    ctl = await asyncio.start_server(control, "127.0.0.1", 0)
    ready(server.sockets[0].getsockname()[1], ctl.sockets[0].getsockname()[1])
    async with server, ctl:
        await asyncio.gather(server.serve_forever(), ctl.serve_forever())


class DelayProxy:
    """The proxy as a child process: ``.port`` to connect to, ``.stats()``, ``.reset()``, ``.stop()``."""

    def __init__(self, target_host: str, target_port: int, one_way_ms: float) -> None:
        self.target = (target_host, target_port)
        self.one_way_ms = one_way_ms
        self.port = 0
        self.control = 0
        self._proc: subprocess.Popen | None = None

    def start(self) -> DelayProxy:
        cmd = [sys.executable, "-m", "bench.delayproxy", "--target", f"{self.target[0]}:{self.target[1]}"]
        cmd += ["--one-way-ms", str(self.one_way_ms)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        try:
            parts = dict(p.split("=") for p in line.split())
            self.port, self.control = int(parts["port"]), int(parts["control"])
        except (KeyError, ValueError):
            self.stop()
            raise RuntimeError(f"the delay proxy did not start: {line!r}") from None
        return self

    def _ask(self, word: str) -> dict[str, Any]:
        with socket.create_connection(("127.0.0.1", self.control), timeout=10) as s:
            s.sendall(word.encode() + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)

    def stats(self) -> dict[str, Any]:
        return self._ask("stats")

    def reset(self) -> dict[str, Any]:
        """The counts so far, then zero them."""
        return self._ask("reset")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> DelayProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True, help="HOST:PORT of the real server")
    p.add_argument("--one-way-ms", type=float, default=0.0)
    args = p.parse_args(argv)
    host, _, port = args.target.rpartition(":")

    def ready(port_: int, ctl: int) -> None:
        print(f"port={port_} control={ctl}", flush=True)

    try:
        asyncio.run(_serve((host, int(port)), args.one_way_ms, ready))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
