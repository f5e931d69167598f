"""`summit-game serve`: the game in a real browser, app processes' lifetimes, the session limit.

The browser tests start `serve` on loopback and drive the system's headless
Chromium with playwright-core from npm (tests/browser/driver.cjs).  They skip,
saying what is missing, when Chromium, node or playwright-core are not
installed; `.ci/run` installs them, so CI runs them.  The game is drawn on a
canvas: the browser tests check what the game wrote (the autosave, the
downloads) and that the screen changed, and leave game logic to the Pilot tests.

The other tests need no browser: the command line, an app that ignores
SIGTERM, and sessions opened with a plain websocket client.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from summit_game.errors import UsageError
from summit_game.pack import Pack
from summit_game.saves import load_save, save_path, write_save
from summit_game.serve import ServeOptions, SummitAppService, public_url, shell_command
from test_ui_support import flat, make_app, screen_name

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"
DRIVER = ROOT / "tests" / "browser" / "driver.cjs"

CHROMIUM = (
    os.environ.get("SUMMIT_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
NODE = shutil.which("node")
PLAYWRIGHT = Path(
    os.environ.get(
        "SUMMIT_PLAYWRIGHT_CORE", ROOT / ".cache" / "browser" / "node_modules" / "playwright-core"
    )
)
_MISSING = [
    what
    for what, there in (
        ("chromium", CHROMIUM),
        ("node", NODE),
        (f"playwright-core in {PLAYWRIGHT.parent}", (PLAYWRIGHT / "package.json").is_file()),
    )
    if not there
]
needs_browser = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"no browser to test with: {', '.join(_MISSING)} missing "
    "(`bash .ci/run` installs them: apt-get install chromium; "
    "npm install --prefix .cache/browser playwright-core)",
)
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds app processes through /proc (Linux)"
)


# ---------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the server's app processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for(what: str, test: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``test`` until it returns something true; fail saying ``what`` never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = test()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET on the served page."""
    host_port = url.split("//", 1)[1].rstrip("/")
    host, port = host_port.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Served:
    """`summit-game serve` on loopback, on a free port, in a subprocess."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.saves = tmp / "saves"
        self.log = tmp / "serve.log"
        env = dict(os.environ, SUMMIT_CACHE=str(tmp / "cache"))
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "summit_game", "serve", "--port", str(self.port)),
                *("--content", str(MINI), "--saves-dir", str(self.saves), *args),
            ],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            env=env,
        )
        wait_for("the server listening", self._listening)

    def _listening(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"serve exited {self.proc.returncode}:\n{self.log.read_text()}")
        with contextlib.suppress(OSError):
            return get(self.url)[0] in (200, 503)
        return False

    def apps(self) -> list[int]:
        """The app processes running now."""
        return children(self.proc.pid)

    def stop(self) -> int:
        """SIGTERM, as Ctrl+C would; the server's exit code (and every app gone)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                pytest.fail(f"serve ignored SIGTERM:\n{self.log.read_text()}")
        return self.proc.returncode


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(*args: str) -> Served:
        s = Served(tmp_path, *args)
        started.append(s)
        return s

    yield start
    for s in started:
        pid = s.proc.pid
        assert s.stop() == 0, s.log.read_text()
        assert children(pid) == [], "an app process outlived the server"


class Browser:
    """Headless Chromium through tests/browser/driver.cjs: ``browser(op, **args)``."""

    def __init__(self, tmp: Path) -> None:
        assert NODE is not None and CHROMIUM is not None
        self.proc = subprocess.Popen(
            [NODE, str(DRIVER), str(PLAYWRIGHT), CHROMIUM, str(tmp / "profile")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=(tmp / "browser.log").open("w"),
            text=True,
        )
        self.replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.replies.put(line)

    def __call__(self, op: str, timeout: float = 60, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()
        try:
            reply: dict[str, Any] = json.loads(self.replies.get(timeout=timeout))
        except queue.Empty:
            pytest.fail(f"the browser did not answer {op!r} within {timeout} s")
        assert reply.pop("ok"), f"{op}: {reply.get('error')}"
        return reply

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self("quit", timeout=20)
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    b = Browser(tmp_path)
    b("launch", width=1000, height=640)
    yield b
    b.close()


def open_game(browser: Browser, served: Served, page: str = "a") -> None:
    """Open the page, wait for the app to draw, and click into it (keys need a click)."""
    assert browser("goto", page=page, url=served.url)["status"] == 200
    browser("wait_drawn", page=page)
    # The name is asked over the title just after the app mounts: give it a moment.
    time.sleep(0.5)
    browser("click", page=page)


def autosave(saves: Path, name: str) -> dict[str, Any] | None:
    path = saves / f"{name}.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


# ---------------------------------------------------------------- names and downloads (Pilot)


async def test_the_seat_screen_asks_a_name(mini: Pack, tmp_path: Path) -> None:
    """No --name: the seat screen takes one (Tab to it), and the autosave is named after it."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        assert "Your name (optional)" in flat(app)
        await pilot.press("tab", "B", "o", "enter", "enter")
        assert screen_name(app) == "SceneScreen"
        assert app.state is not None and app.state.names == {"us": "Bo"}
        await pilot.press("1")
        assert load_save(save_path(saves, "Bo-autosave"), mini).decisions[0].choice == "accept"
    # Given on the command line, it is not asked again.
    app = make_app(mini, saves, name="Bo")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        assert "Your name (optional)" not in flat(app)


async def test_a_served_game_asks_the_name_first(mini: Pack, tmp_path: Path) -> None:
    """Served: the name comes first; Continue finds only this player's autosave, and a
    player without a name gets a guest autosave, never the shared one."""
    from summit_game.engine import new_game
    from summit_game.ui.served import ServedApp

    saves = tmp_path / "saves"
    someone = new_game(mini, ["dprk"], names={})
    write_save(saves, "autosave", mini, someone)
    write_save(saves, "Cy-autosave", mini, new_game(mini, ["dprk"], names={"dprk": "Cy"}))

    app = ServedApp(mini, saves, guest="guest-abc")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert screen_name(app) == "NameScreen" and "Welcome to Summit" in flat(app)
        await pilot.press("escape")
        assert screen_name(app) == "TitleScreen" and app.latest_autosave() is None
        await pilot.press("n", "enter", "1")
        assert load_save(save_path(saves, "guest-abc-autosave"), mini).decisions
        assert not load_save(save_path(saves, "autosave"), mini).decisions

    app = ServedApp(mini, saves)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("C", "y", "enter")
        assert app.player_name == "Cy"
        latest = app.latest_autosave()
        assert latest is not None and latest.name == "Cy-autosave"
        await pilot.press("c")
        assert app.state is not None and app.state.names == {"dprk": "Cy"}


async def test_serve_until_stops_every_visitor_for_discussion(mini: Pack, tmp_path: Path) -> None:
    """`serve --until`: each visitor's process is told the date, and its game stops there."""
    from summit_game.serve import app_argv
    from summit_game.ui.served import ServedApp, arguments

    saves = tmp_path / "saves"
    argv = app_argv(MINI, saves, dt.date(2018, 5, 1))
    args = arguments(argv[3:])  # after `python -m summit_game.ui.served`
    assert args.until == dt.date(2018, 5, 1) and args.content == MINI.resolve()
    assert arguments(app_argv(MINI, saves)[3:]).until is None

    app = ServedApp(mini, saves, guest="guest-abc", until=args.until)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("R", "i", "enter")
        await pilot.press("n", "enter", "1", "enter")
        assert screen_name(app) == "StopScreen"
        assert "Stop here for discussion" in flat(app) and "1 May 2018" in flat(app)
        saved = load_save(save_path(saves, "Ri-autosave"), mini)
        assert [d.choice for d in saved.decisions] == ["accept"]


async def test_the_debrief_downloads_beside_the_saves_in_a_terminal(
    mini: Pack, tmp_path: Path
) -> None:
    """`h` and `w` on the debrief go through App.deliver_text: in a terminal, files
    beside the saves named after the player."""
    saves = tmp_path / "saves"
    app = make_app(mini, saves, seats=["us"], name="Di")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter", "1", "enter", "2", "enter")
        assert screen_name(app) == "DebriefScreen"
        await pilot.press("h", "w")
        for _ in range(50):
            files = sorted(p.suffix for p in saves.glob("Di-debrief-*"))
            if files == [".html", ".md"]:
                break
            await pilot.pause(0.05)
        assert files == [".html", ".md"]
        page = next(saves.glob("Di-debrief-*.html")).read_text(encoding="utf-8")
        assert "<html" in page and "Di" in page and "Walk out" in page


# ---------------------------------------------------------------- the command line


def test_public_url_is_needed_on_every_interface() -> None:
    """A 0.0.0.0 bind without --public-url would hang on the splash: refused, with a hint."""
    with pytest.raises(UsageError) as caught:
        public_url("0.0.0.0", 8000, None)
    assert "--public-url" in str(caught.value) and ":8000" in str(caught.value)
    assert public_url("0.0.0.0", 8000, "http://10.0.0.5:8000/") == "http://10.0.0.5:8000"
    assert public_url("127.0.0.1", 8123, None) == "http://127.0.0.1:8123"
    assert public_url("::1", 8000, None) == "http://[::1]:8000"
    with pytest.raises(UsageError):
        public_url("0.0.0.0", 8000, "10.0.0.5:8000")


def test_serve_refuses_bad_options_before_listening(tmp_path: Path) -> None:
    """Exit 2 with a message, never a server students cannot reach."""
    for args, says in (
        (["--host", "0.0.0.0"], "--public-url"),
        (["--max-sessions", "0"], "--max-sessions"),
        (["--port", "70000"], "--port"),
        (["--until", "2018-13-01"], "--until"),
    ):
        done = subprocess.run(
            [
                *(sys.executable, "-m", "summit_game", "serve", "--content", str(MINI)),
                *("--saves-dir", str(tmp_path), *args),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, (args, done.stderr)
        assert says in done.stderr and "Traceback" not in done.stderr


def test_every_app_starts_with_exec() -> None:
    """The command textual-serve keeps starts with `exec`, so signals reach the app."""
    command = shell_command([sys.executable, "-m", "summit_game.ui.served", "--content", "a b"])
    assert command.startswith("exec ") and "'a b'" in command


# ---------------------------------------------------------------- stuck apps


STUBBORN = """
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
while True:
    time.sleep(0.05)
"""


async def test_an_app_that_ignores_sigterm_is_killed() -> None:
    """The known hang (spinning, deaf to SIGTERM): asked to quit, then TERM, then KILL."""
    from textual_serve.download_manager import DownloadManager

    async def nothing(*_: Any) -> None:
        return None

    service = SummitAppService(
        [sys.executable, "-c", STUBBORN],
        quit_grace=0.5,
        term_grace=0.5,
        write_bytes=nothing,
        write_str=nothing,
        close=nothing,
        download_manager=DownloadManager(),
    )
    await service.start(80, 24)
    await asyncio.sleep(0.3)
    assert service.pid is not None and service._process is not None
    started = time.monotonic()
    await service.stop()
    assert service._process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5
    await service.stop()  # a second stop is harmless


async def test_visitors_who_leave_while_their_app_starts(tmp_path: Path) -> None:
    """The known hang: a page resized and closed while its app is still starting leaves an
    app that does not quit when asked; it is stopped all the same, and the server forgets
    nobody (run in this process, with short timeouts)."""
    from aiohttp import web

    from summit_game.serve import SummitServer

    port = free_port()
    options = ServeOptions(
        content=MINI, saves=tmp_path / "saves", port=port, quit_grace=0.5, term_grace=1.0
    )
    server = SummitServer(options)
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    pids: set[int] = set()
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(3):
                ws = await session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24")
                for _ in range(200):
                    pids |= {s.pid for s in server.sessions if s.pid is not None}
                    if len(pids) and all(s.pid for s in server.sessions):
                        break
                    await asyncio.sleep(0.01)
                await ws.send_json(["resize", {"width": 120, "height": 40}])
                await ws.close()
        assert len(pids) == 3
        deadline = time.monotonic() + 15
        while server.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not server.sessions
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------- sessions without a browser


async def _open_session(url: str) -> tuple[aiohttp.ClientSession, Any, bytes]:
    """A websocket session as the page opens it; the first bytes the server sent."""
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(url.replace("http", "ws", 1) + "/ws?width=100&height=30")
    first = b""
    with contextlib.suppress(asyncio.TimeoutError):
        message = await ws.receive(timeout=20)
        if message.type == aiohttp.WSMsgType.BINARY:
            first = message.data
    return session, ws, first


@needs_proc
async def test_sessions_limit_and_app_lifetime(served: Callable[..., Served]) -> None:
    """One seat: the app runs while its visitor stays, the next one is told the game is
    full (page and terminal alike), and the app is gone soon after its visitor leaves."""
    server = served("--max-sessions", "1")
    assert server.apps() == []
    session, ws, first = await _open_session(server.url)
    try:
        assert first, "the app drew nothing"
        assert len(server.apps()) == 1
        status, body = await asyncio.to_thread(get, server.url)
        assert status == 503 and "Summit is full right now" in body
        assert "1 player is already playing" in body
        # A page loaded just before the seat went: told so in its terminal.
        other, other_ws, refused = await _open_session(server.url)
        assert b"Summit is full right now" in refused
        assert len(server.apps()) == 1
        await other_ws.close()
        await other.close()
    finally:
        await ws.close()
        await session.close()
    await asyncio.to_thread(wait_for, "the app process gone", lambda: server.apps() == [])
    assert (await asyncio.to_thread(get, server.url))[0] == 200


# ---------------------------------------------------------------- in a real browser


@needs_browser
@needs_proc
def test_a_game_in_the_browser(
    served: Callable[..., Served], browser: Browser, tmp_path: Path
) -> None:
    """Name, seat and a decision typed in Chromium: the autosave carries them, the screen
    changed, and the debrief downloads as HTML and Markdown."""
    server = served()
    open_game(browser, server)
    before = tmp_path / "before.png"
    browser("shot", page="a", path=str(before))

    browser("type", page="a", text="Ada")
    browser("press", page="a", keys=["Enter", "n"])
    time.sleep(0.5)
    browser("press", page="a", keys=["Enter"])  # sit down in the first seat, the US
    time.sleep(0.5)
    browser("press", page="a", keys=["1"])  # accept the meeting
    saved = wait_for(
        "Ada's autosave with one decision",
        lambda: (s := autosave(server.saves, "Ada-autosave")) and s["state"]["decisions"] and s,
    )
    state = saved["state"]
    assert state["seats"] == ["us"] and state["names"] == {"us": "Ada"}
    assert [d["choice"] for d in state["decisions"]] == ["accept"]
    after = tmp_path / "after.png"
    browser("shot", page="a", path=str(after))
    assert before.read_bytes() != after.read_bytes()

    # A reflection, the second decision, the debrief, and both downloads.
    browser("type", page="a", text="To test him")
    browser("press", page="a", keys=["Enter"])
    wait_for(
        "the reflection in the autosave",
        lambda: (
            (s := autosave(server.saves, "Ada-autosave"))
            and s["state"]["decisions"][0].get("journal") == "To test him"
        ),
    )
    browser("press", page="a", keys=["2"])
    time.sleep(0.5)
    browser("press", page="a", keys=["Enter"])
    time.sleep(0.5)
    browser("shot", page="a", path=str(tmp_path / "debrief.png"))
    browser("press", page="a", keys=["h"])
    html_file = browser("wait_download", count=1, save_dir=str(tmp_path))
    assert html_file["name"].startswith("Ada-debrief-") and html_file["name"].endswith(".html")
    page = Path(html_file["path"]).read_text(encoding="utf-8")
    assert "<html" in page and "Ada" in page and "Accept the meeting" in page
    browser("press", page="a", keys=["w"])
    md_file = browser("wait_download", count=2, save_dir=str(tmp_path))
    assert md_file["name"].endswith(".md")
    assert "To test him" in Path(md_file["path"]).read_text(encoding="utf-8")

    # Quitting ends the app; the page says the session ended.
    browser("press", page="a", keys=["q"])
    wait_for("the app gone after q", lambda: server.apps() == [])
    wait_for("'Session ended' on the page", lambda: browser("closed", page="a")["closed"])
    keep = os.environ.get("SUMMIT_BROWSER_SHOTS")
    if keep:
        for shot in ("before.png", "after.png", "debrief.png"):
            shutil.copy(tmp_path / shot, Path(keep) / shot)


@needs_browser
@needs_proc
def test_browser_leaving_and_one_too_many(
    served: Callable[..., Served], browser: Browser, tmp_path: Path
) -> None:
    """With one seat: a second tab gets the 'full' page; when the first tab closes its app
    process is gone, and the next visitor gets a game."""
    server = served("--max-sessions", "1")
    open_game(browser, server, "a")
    assert len(server.apps()) == 1
    assert browser("goto", page="b", url=server.url)["status"] == 503
    assert "Summit is full right now" in browser("text", page="b")["text"]
    browser("shot", page="b", path=str(tmp_path / "full.png"))
    assert len(server.apps()) == 1

    browser("close_page", page="a")
    wait_for("the app process gone after the tab closed", lambda: server.apps() == [])
    assert browser("goto", page="b", url=server.url)["status"] == 200
    browser("wait_started", page="b")
    assert len(server.apps()) == 1
    keep = os.environ.get("SUMMIT_BROWSER_SHOTS")
    if keep:
        shutil.copy(tmp_path / "full.png", Path(keep) / "full.png")


def test_options_defaults_are_loopback() -> None:
    """Loopback unless told otherwise."""
    options = ServeOptions(content=MINI, saves=Path("saves"))
    assert options.host == "127.0.0.1" and options.port == 8000 and options.public_url is None
