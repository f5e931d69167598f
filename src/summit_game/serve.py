"""``summit-game serve``: the game in a browser, one app process per visitor.

textual-serve runs a command for every browser that opens the page and
relays that process's terminal over a websocket.  This module adds what a
classroom needs on top of it:

* **Loopback by default.**  On a classroom network the teacher binds
  ``--host 0.0.0.0`` and must give ``--public-url http://THEIR-ADDRESS:PORT``:
  the page tells the browser where to connect from that address, and without
  it the page never gets past its splash screen (so we refuse to start).
* **At most ``--max-sessions`` games at once.**  The next visitor gets a page
  saying the game is full (HTTP 503, retried by itself), never a hung splash.
* **No process outlives its visitor.**  When the browser leaves, the app is
  asked to quit, then sent SIGTERM, then SIGKILL, each after a timeout: an app
  that is resized and disconnected while still starting can spin at ~90 % CPU
  ignoring SIGTERM.  The command starts with ``exec`` so signals reach the app
  rather than a shell, and each app runs in its own session so Ctrl+C on the
  server reaches only the server, which then stops every app the same way.
* **Saves by name.**  Every visitor is asked a name first
  (:mod:`summit_game.ui.served`); saves go to the one saves folder as
  ``NAME-autosave``, where ``summit-game report`` collects the class's runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import logging
import os
import shlex
import signal
import socket
import sys
from asyncio.subprocess import Process
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from summit_game.errors import SummitError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: About 33 MiB of memory each: 40 fit on any classroom laptop.
DEFAULT_MAX_SESSIONS = 40
#: Seconds an app gets to quit after its visitor leaves, before SIGTERM.
QUIT_GRACE = 3.0
#: Seconds after SIGTERM before SIGKILL.
TERM_GRACE = 3.0
#: Seconds a full page waits before trying again by itself.
RETRY_AFTER = 20
#: Addresses that mean "every interface": a browser cannot connect *to* them.
WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})

log = logging.getLogger("textual-serve")


@dataclass(frozen=True)
class ServeOptions:
    """What ``summit-game serve`` was asked for, with paths already decided."""

    content: Path
    saves: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None
    max_sessions: int = DEFAULT_MAX_SESSIONS
    quit_grace: float = QUIT_GRACE
    term_grace: float = TERM_GRACE
    until: dt.date | None = None
    """Every game stops for discussion after this date (``play --until``)."""


def app_argv(content: Path, saves: Path, until: dt.date | None = None) -> list[str]:
    """The program and arguments run for each visitor."""
    argv = [
        sys.executable,
        "-m",
        "summit_game.ui.served",
        "--content",
        str(content.resolve()),
        "--saves-dir",
        str(saves.resolve()),
    ]
    if until is not None:
        argv += ["--until", until.isoformat()]
    return argv


def shell_command(argv: list[str]) -> str:
    """``argv`` as the shell command textual-serve expects, starting with ``exec``.

    We start the app from ``argv`` with no shell at all (the package runs no
    shell), so signals reach it directly; the string is what textual-serve's
    server keeps and logs, and were it run by a shell, as textual-serve's own
    ``AppService`` does, ``exec`` would still hand the process to the app.
    """
    return "exec " + shlex.join(argv)


def lan_address() -> str | None:
    """This machine's address on its network, as a guess for ``--public-url``.

    Connecting a UDP socket sends nothing; it only picks the outgoing interface.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 1))
        address = str(s.getsockname()[0])
        if not address.startswith("127."):
            return address
    return None


def public_url(host: str, port: int, given: str | None) -> str:
    """The address browsers use to reach the server (no trailing slash)."""
    if given is not None:
        url = given.strip().rstrip("/")
        if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
            raise UsageError(
                f"--public-url {given!r} is not a web address",
                "write it as the students type it, e.g. http://192.168.1.20:8000",
            )
        return url
    if host in WILDCARDS:
        guess = lan_address() or "THIS-COMPUTER'S-ADDRESS"
        shown = host or "''"
        raise UsageError(
            f"--host {shown} needs --public-url: the address students type in their "
            "browsers (without it the page never gets past its splash screen)",
            f"add --public-url http://{guess}:{port}",
        )
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def full_page(max_sessions: int) -> str:
    """The page the visitor after the last one allowed gets."""
    many = (
        "1 player is already playing"
        if max_sessions == 1
        else f"{html.escape(str(max_sessions))} players are already playing"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{RETRY_AFTER}">
<title>Summit is full</title>
<style>
body {{ background: #0c181f; color: #eee; font-family: sans-serif; margin: 0; }}
main {{ max-width: 36em; margin: 15vh auto; padding: 2em; background: #12232d; }}
h1 {{ font-size: 1.5em; margin-top: 0; }}
</style>
</head>
<body>
<main id="summit-full">
<h1>Summit is full right now</h1>
<p>{many} on this server, which is as many as it takes.</p>
<p>This page tries again every {RETRY_AFTER} seconds by itself. You can also wait
for someone to finish and reload it, or ask your teacher.</p>
</main>
</body>
</html>
"""


def full_terminal_text(max_sessions: int) -> bytes:
    """What a refused visitor's terminal shows when the page loaded just before it filled up."""
    return (
        "\x1b[2J\x1b[H\r\n  Summit is full right now: "
        f"{max_sessions} of {max_sessions} places are taken on this server.\r\n\r\n"
        "  Wait for someone to finish and reload this page, or ask your teacher.\r\n"
    ).encode()


class SummitAppService(AppService):
    """One visitor's app process, which is sure to be gone once :meth:`stop` returns."""

    def __init__(
        self, argv: list[str], *, quit_grace: float, term_grace: float, **kwargs: Any
    ) -> None:
        super().__init__(shell_command(argv), **kwargs)
        self.argv = list(argv)
        self.quit_grace = quit_grace
        self.term_grace = term_grace
        self._stopping: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The app process's id, once started."""
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        # As textual-serve does, but with no shell in between (signals reach the
        # app itself) and in a session of its own: Ctrl+C on the server must not
        # hit every app at once, and a kill reaches all of the app.
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Relay the app until its process ends, then close the visitor's page.

        A crashed or killed app sends no goodbye: closing the websocket is what
        shows the visitor "Session ended" instead of a frozen screen.
        """
        try:
            await super().run()
        finally:
            with contextlib.suppress(Exception):
                await self.remote_close()

    def stop_soon(self) -> asyncio.Task[None]:
        """Start stopping the app (once, however often asked); the task that does it."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        return self._stopping

    async def stop(self) -> None:
        """Stop the app and wait until its process is gone; a cancelled wait goes on."""
        await asyncio.shield(self.stop_soon())

    async def _stop(self) -> None:
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 1.0)
            if not await _exited(process, self.quit_grace):
                log.warning("app process %s did not quit; sending SIGTERM", process.pid)
                _signal(process, signal.SIGTERM)
                if not await _exited(process, self.term_grace):
                    log.warning("app process %s ignored SIGTERM; killing it", process.pid)
                    _signal(process, signal.SIGKILL)
                    await process.wait()
        task, self._task = self._task, None
        if task is not None:
            # Its process is gone, so its pipe ends; a stuck reader is cancelled.
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 5.0)


async def _exited(process: Process, timeout: float) -> bool:
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        return False
    return True


def _signal(process: Process, sig: signal.Signals) -> None:
    """Signal the app's whole process group (its own session), or just it."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)


class SummitServer(Server):
    """textual-serve's server with a session limit and apps that never outlive visitors."""

    def __init__(self, options: ServeOptions, argv: list[str] | None = None) -> None:
        self.argv = argv or app_argv(options.content, options.saves, options.until)
        super().__init__(
            shell_command(self.argv),
            host=options.host,
            port=options.port,
            title="Summit",
            public_url=public_url(options.host, options.port, options.public_url),
        )
        self.options = options
        self.sessions: set[SummitAppService] = set()
        """The app processes alive now, including those being stopped."""

    @property
    def full(self) -> bool:
        """True when another visitor would be one too many."""
        return len(self.sessions) >= self.options.max_sessions

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The game's page, or a clear 'full' page when no session is free."""
        if self.full:
            log.info("refused a visitor: the game is full (%d playing)", len(self.sessions))
            return web.Response(
                status=503,
                text=full_page(self.options.max_sessions),
                content_type="text/html",
                headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
            )
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Run one visitor's app for as long as their browser stays connected."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await websocket.prepare(request)
        if self.full:
            # The page loaded just before the last seat went: say so in its
            # terminal and keep the socket open (a closed one hides the text).
            await websocket.send_bytes(full_terminal_text(self.options.max_sessions))
            async for message in websocket:
                if message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
            return websocket
        service = SummitAppService(
            self.argv,
            quit_grace=self.options.quit_grace,
            term_grace=self.options.term_grace,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.sessions.add(service)
        try:
            await service.start(width, height)
            log.info(
                "game started (process %s): %d of %d playing",
                service.pid,
                len(self.sessions),
                self.options.max_sessions,
            )
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception as error:
            log.exception(error)
        finally:
            stopping = service.stop_soon()
            stopping.add_done_callback(lambda _: self._forget(service))
            await asyncio.shield(stopping)
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    def _forget(self, service: SummitAppService) -> None:
        self.sessions.discard(service)
        log.info(
            "game ended (process %s): %d of %d playing",
            service.pid,
            len(self.sessions),
            self.options.max_sessions,
        )

    def serve(self, debug: bool = False) -> None:
        """As textual-serve serves, but saying where the game is once it listens."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still stops it
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            print=lambda _: self._listening(),
        )

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to say yet: the port may still turn out to be taken."""

    def _listening(self) -> None:
        """Say where the game is, for whom, and where saves go."""
        print(f"Summit is being served at {self.public_url}", flush=True)
        print(
            f"  students open that address in a browser (up to {self.options.max_sessions} "
            "at once)",
            flush=True,
        )
        print(f"  saves go to {self.options.saves.resolve()}", flush=True)
        print(
            f"  a class report: summit-game report {shlex.quote(str(self.options.saves))}",
            flush=True,
        )
        print("Press Ctrl+C to stop.", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every app still running before the server goes."""
        await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)


def serve(options: ServeOptions) -> int:
    """Serve the game until Ctrl+C (or SIGTERM); returns the exit code."""
    if options.max_sessions < 1:
        raise UsageError("--max-sessions must be at least 1")
    if not 1 <= options.port <= 65535:
        raise UsageError(f"--port {options.port} is not a port", "use 1 to 65535, e.g. 8000")
    try:
        options.saves.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SummitError(
            f"{options.saves}: cannot create the saves folder ({exc.strerror})",
            "choose another folder with --saves-dir",
        ) from None
    server = SummitServer(options)
    try:
        server.serve()
    except OSError as exc:
        raise SummitError(
            f"cannot serve on {options.host} port {options.port} ({exc.strerror or exc})",
            "is something else using that port? try another with --port",
        ) from None
    return 0
