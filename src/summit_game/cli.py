"""The command line (the public contract in cli.md).

Decides paths once, at the edge, and hands plain values to the library.
Every :class:`SummitError` becomes a message on stderr and an exit code;
any other exception is a bug, reported in one line (with a traceback only
when ``SUMMIT_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from summit_game import __version__
from summit_game.errors import SummitError, UsageError

if TYPE_CHECKING:
    from summit_game.loader import LoadResult
    from summit_game.pack import Pack

_T = TypeVar("_T")

COMMANDS = ("play", "check", "graph", "schema", "debrief", "explore", "new", "report", "serve")


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so main() owns exit codes."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, f"see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(
        prog="summit-game",
        description="Summit: sit at the table of the 2017-2025 Korean nuclear diplomacy.",
    )
    parser.add_argument("--version", action="version", version=f"summit-game {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    play = sub.add_parser("play", help="play the game (the default command)")
    play.add_argument("--content", type=Path, help="the pack folder (default: the shipped pack)")
    play.add_argument("--role", help="your seat: a role id such as us, dprk or rok")
    play.add_argument("--seats", help="hot-seat: two or three seats, e.g. us,dprk,rok")
    play.add_argument("--name", help="your name, stored in saves")
    play.add_argument("--load", metavar="SAVE", help="continue from a save (name or path)")
    play.add_argument("--seed", type=int, default=0, help="seed recorded with the run")
    play.add_argument("--until", metavar="DATE", help="stop for discussion after this date")
    play.add_argument("--saves-dir", type=Path, help="where saves go")
    play.add_argument("--plain", action="store_true", help="line mode for screen readers")

    check = sub.add_parser("check", help="validate packs")
    check.add_argument("dirs", nargs="*", type=Path, metavar="DIR")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "json"), default="text")

    graph = sub.add_parser("graph", help="the scene graph as Mermaid or DOT text")
    graph.add_argument("dir", nargs="?", type=Path, metavar="DIR")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument("-o", "--output", type=Path, metavar="FILE")
    graph.add_argument("--svg", type=Path, metavar="FILE", help="draw it with Graphviz's dot")

    debrief = sub.add_parser("debrief", help="one run's debrief as Markdown or HTML")
    debrief.add_argument("save", metavar="SAVE", help="a save file, or a save's name")
    debrief.add_argument("--format", choices=("md", "html"), default="md")
    debrief.add_argument("-o", "--output", type=Path, metavar="FILE")
    debrief.add_argument("--content", type=Path, help="the pack the save was played on")
    debrief.add_argument("--saves-dir", type=Path, help="where to find a save by name")

    report = sub.add_parser("report", help="the class view of many runs")
    report.add_argument("saves", nargs="+", type=Path, metavar="SAVE")
    report.add_argument("--format", choices=("md", "html", "csv"), default="md")
    report.add_argument("-o", "--output", type=Path, metavar="FILE")
    report.add_argument("--content", type=Path, help="the pack the saves were played on")

    serve = sub.add_parser("serve", help="the game in a browser, one process per visitor")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="where to listen (default: this computer only; 0.0.0.0 for a classroom "
        "network, with --public-url)",
    )
    serve.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address students type, e.g. http://192.168.1.20:8000 (needed with "
        "--host 0.0.0.0: without it the page never gets past its splash screen)",
    )
    serve.add_argument(
        "--max-sessions",
        type=int,
        default=40,
        metavar="N",
        help="games at once (default: 40); the next visitor is told it is full",
    )
    serve.add_argument("--content", type=Path, help="the pack folder (default: the shipped pack)")
    serve.add_argument("--saves-dir", type=Path, help="where every player's saves go")
    serve.add_argument(
        "--until",
        metavar="DATE",
        help="stop every game for discussion after this date (YYYY-MM-DD), as play --until",
    )

    schema = sub.add_parser("schema", help="JSON Schema of pack files, for editors")
    schema.add_argument("-o", "--output", type=Path, metavar="FILE")

    explore = sub.add_parser("explore", help="automatic playthroughs: reach, endings, dead ends")
    explore.add_argument("dir", nargs="?", type=Path, metavar="DIR")
    explore.add_argument("--runs", type=int, default=1000, help="random runs per seat")
    explore.add_argument("--seed", type=int, default=0, help="same seed, same report")
    explore.add_argument("--seats", help="only these seats, e.g. us,rok (default: all)")
    explore.add_argument("--exhaustive", action="store_true", help="visit every reachable state")
    explore.add_argument(
        "--max-states", type=int, default=100_000, help="per seat, for --exhaustive"
    )
    explore.add_argument("--format", choices=("text", "json"), default="text")
    explore.add_argument("-o", "--output", type=Path, metavar="FILE")

    new = sub.add_parser("new", help="scaffold a pack or a scene to edit")
    new_sub = new.add_subparsers(dest="what", parser_class=_Parser, required=True)
    new_pack = new_sub.add_parser("pack", help="a new, playable pack to edit")
    new_pack.add_argument("name", metavar="NAME", help="the pack id, e.g. cuba-1962")
    new_pack.add_argument("--dir", type=Path, default=Path("content"), help="where to put it")
    new_scene = new_sub.add_parser("scene", help="a new scene, linked after an existing one")
    new_scene.add_argument("--pack", type=Path, required=True, metavar="DIR")
    new_scene.add_argument("--role", required=True, help="the seat that plays the scene")
    new_scene.add_argument(
        "--after", required=True, metavar="SCENE", help="the scene leading to it"
    )
    new_scene.add_argument("--id", help="the new scene's id (default: made up from SCENE)")
    return parser


def _content(path: Path | None) -> Path:
    from summit_game.paths import default_content

    return path if path is not None else default_content()


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SummitError(f"{output}: cannot write ({exc.strerror})") from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--until {text!r} is not a date", "write YYYY-MM-DD") from None


def _drawable_pack(folder: Path | None) -> Pack:
    """The pack for `graph` and `explore`, even when its only errors are in its graph.

    Unreachable scenes, dead ends and loops are exactly what a teacher wants
    drawn or explored, so those errors are printed and the pack is used; any
    earlier error (syntax, schema, references) stops the command.
    """
    from summit_game.errors import ContentError

    result = _load(_content(folder))
    if result.partial is None:
        raise ContentError(result.diagnostics)
    for d in result.errors:
        print(d.format(), file=sys.stderr)
    return result.partial


def _load(root: Path, cache: Path | None = None) -> LoadResult:
    """``load_pack`` for a command, which keeps its pack until the process ends.

    With a ``cache`` folder (commands that play), the pack is also written to
    the validated-pack cache (:mod:`summit_game.packcache`) for the next start;
    ``check`` passes none.  Everything loaded is moved out of the cyclic garbage collector's sight
    (``gc.freeze``): otherwise the first collection after loading, and every
    full one later, rescans the whole pack (0.4 s on a 10,000-scene pack).
    """
    if cache is not None:
        from summit_game import packcache

        return _frozen(lambda: packcache.load(root, cache))
    from summit_game.loader import load_pack

    return _frozen(lambda: load_pack(root, cache))


def _frozen(load: Callable[[], _T]) -> _T:
    """``load()`` with the collector off, then what it built frozen (see :func:`_load`)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return load()
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _require(root: Path, cache: Path | None = None) -> Pack:
    """:func:`_load`, raising :class:`ContentError` when the pack cannot be played.

    With a ``cache``, an unchanged pack is rebuilt from the validated-pack
    cache without reading its files again (nor importing the loader).
    """
    from summit_game.errors import ContentError

    if cache is not None:
        from summit_game.packcache import load_cached

        pack = _frozen(lambda: load_cached(root, cache))
        if pack is not None:
            return pack
    result = _load(root, cache)
    if result.pack is None:
        raise ContentError(result.diagnostics)
    return result.pack


def cmd_check(args: argparse.Namespace) -> int:
    """`check`: every problem of every pack, root causes first."""

    dirs = args.dirs or [_content(None)]
    all_diags = []
    worst = 0
    for d in dirs:
        result = _load(d)
        all_diags.extend(result.diagnostics)
        errors = len(result.errors)
        warnings = len(result.diagnostics) - errors
        if errors or (args.strict and warnings):
            worst = 1
        if args.format == "text":
            for diag in result.diagnostics:
                print(diag.format(), file=sys.stderr)
            verdict = "FAILED" if errors or (args.strict and warnings) else "ok"
            counted = (
                f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            )
            scenes = f", {len(result.pack.scenes)} scenes" if result.pack else ""
            print(f"{d}: {verdict} ({counted}{scenes})", file=sys.stderr)
    if args.format == "json":
        json.dump(
            {"ok": worst == 0, "diagnostics": [x.as_dict() for x in all_diags]},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    return worst


def cmd_graph(args: argparse.Namespace) -> int:
    """`graph`: Mermaid or DOT text of the scene graph."""
    from summit_game.graph import to_dot, to_mermaid

    pack = _drawable_pack(args.dir)
    if args.svg is not None:
        _write_svg(to_dot(pack), args.svg)
        if args.output is None:
            return 0
    _write_output(to_dot(pack) if args.format == "dot" else to_mermaid(pack), args.output)
    return 0


def _write_svg(dot_text: str, svg: Path) -> None:
    """Run Graphviz's ``dot -Tsvg`` on the graph, writing ``svg``."""
    import shutil
    import subprocess

    dot = shutil.which("dot")
    if dot is None:
        raise SummitError(
            "--svg needs Graphviz's `dot` program, which is not installed",
            "install Graphviz (e.g. `apt install graphviz` or `brew install graphviz`), "
            "or use `--format mermaid` and paste the text into https://mermaid.live",
        )
    try:
        done = subprocess.run(
            [dot, "-Tsvg", "-o", str(svg)],
            input=dot_text,
            text=True,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SummitError(f"{svg}: Graphviz's dot failed ({exc})") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SummitError(f"{svg}: Graphviz's dot failed: {reason}")


def cmd_explore(args: argparse.Namespace) -> int:
    """`explore`: random and exhaustive playthroughs of every seat."""
    import time

    from summit_game.explore import explore, render_text

    if args.runs < 0:
        raise UsageError("--runs cannot be negative")
    if args.max_states < 1:
        raise UsageError("--max-states must be at least 1")
    pack = _drawable_pack(args.dir)
    seats = None
    if args.seats:
        seats = list(dict.fromkeys(s.strip() for s in args.seats.split(",") if s.strip()))
        for s in seats:
            if s not in pack.scenario.roles:
                raise UsageError(
                    f"unknown seat {s!r}", f"choose from: {', '.join(pack.scenario.roles)}"
                )
    shown = [0.0]

    def progress(seat: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - shown[0] < 0.2:
            return
        shown[0] = now
        sys.stderr.write(f"\rexploring {seat}: {done:,}/{total:,} runs ")
        sys.stderr.flush()

    tty = sys.stderr.isatty()
    report = explore(
        pack,
        runs=args.runs,
        seed=args.seed,
        seats=seats,
        exhaustive=args.exhaustive,
        max_states=args.max_states,
        progress=progress if tty else None,
    )
    if tty:
        rate = report.decisions / report.elapsed if report.elapsed else 0.0
        sys.stderr.write(f"\rexplored in {report.elapsed:.2f} s ({rate:,.0f} decisions a second)\n")
    if args.format == "json":
        _write_output(json.dumps(report.as_json(), indent=2) + "\n", args.output)
    else:
        _write_output(render_text(report), args.output)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """`new pack` / `new scene`: scaffold commented files that pass `check`."""
    from summit_game.scaffold import new_pack, new_scene

    if args.what == "pack":
        made = new_pack(args.name, args.dir)
        for path in made.written:
            print(f"wrote {path}")
        print(made.next_steps)
        return 0
    made = new_scene(args.pack, args.role, args.after, args.id)
    for path in made.written:
        print(f"wrote {path}")
    for path in made.edited:
        print(f"edited {path}")
    if made.manual:
        print(made.manual, file=sys.stderr)
    print(made.next_steps)
    return 1 if made.manual else 0


def cmd_debrief(args: argparse.Namespace) -> int:
    """`debrief`: one run beside history, for a student to hand in."""
    from summit_game.export import debrief_html, debrief_markdown
    from summit_game.paths import default_saves
    from summit_game.saves import load_save, read_save, save_path

    path = Path(args.save)
    if not path.exists() and "/" not in args.save:
        folder = args.saves_dir if args.saves_dir is not None else default_saves()
        path = save_path(folder, args.save)
    pack = _require(_content(args.content))
    saved = read_save(path)
    state = load_save(path, pack)
    render = debrief_html if args.format == "html" else debrief_markdown
    _write_output(render(pack, state, saved.saved_at), args.output)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`report`: a class's runs together; unusable files listed and skipped."""
    from summit_game.report import (
        build_report,
        collect,
        report_csv,
        report_html,
        report_markdown,
    )

    pack = _require(_content(args.content))
    files: list[Path] = []
    for p in args.saves:
        files.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    runs, skipped = collect(pack, files)
    for f, why in skipped:
        print(f"{f}: skipped: {why}", file=sys.stderr)
    rep = build_report(pack, runs, skipped)
    render = {"md": report_markdown, "html": report_html, "csv": report_csv}[args.format]
    _write_output(render(pack, rep), args.output)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """`serve`: the game in a browser through textual-serve, one process per visitor."""
    from summit_game.paths import cache_dir, default_saves
    from summit_game.serve import ServeOptions, public_url, serve

    # Refuse a bad address or pack here, once, not in every student's browser.
    public_url(args.host, args.port, args.public_url)
    until = _date(args.until)
    content = _content(args.content)
    _require(content, cache_dir())
    saves = args.saves_dir if args.saves_dir is not None else default_saves()
    return serve(
        ServeOptions(
            content=content,
            saves=saves,
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            max_sessions=args.max_sessions,
            until=until,
        )
    )


def cmd_schema(args: argparse.Namespace) -> int:
    """`schema`: the JSON Schema editors use."""
    from summit_game.schema import schema_text

    _write_output(schema_text(), args.output)
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    """`play`: the game, as a TUI or (``--plain``) line by line."""
    from summit_game.paths import default_saves

    if args.role and args.seats:
        raise UsageError("give --role or --seats, not both")
    seats: list[str] | None = None
    if args.seats:
        seats = [s.strip() for s in args.seats.split(",") if s.strip()]
        if not 1 <= len(seats) <= 3:
            raise UsageError("--seats takes one to three seats, e.g. us,dprk")
    elif args.role:
        seats = [args.role]
    until = _date(args.until)
    from summit_game.paths import cache_dir

    source, cache = _content(args.content), cache_dir()
    saves = args.saves_dir if args.saves_dir is not None else default_saves()
    use_tui = not args.plain and sys.stdin.isatty() and sys.stdout.isatty()
    if use_tui:
        import gc

        # Until the title's first frame everything built lives on (Textual's
        # modules and widgets, the pack): collecting it costs 20-30 ms and
        # frees nothing.  run_app turns the collector back on after that frame.
        gc.disable()
    if use_tui and seats is None and args.load is None:
        # The usual start: the title screen first, from the cache's title card,
        # and the pack right after it (a failed load is raised by run_app).
        from summit_game.packcache import read_card

        card = read_card(source, cache)
        if card is not None:
            try:
                from summit_game.ui.app import run_app
            except ImportError:
                use_tui = False
            else:
                return run_app(
                    None,
                    saves,
                    name=args.name,
                    seed=args.seed,
                    until=until,
                    source=source,
                    cache=cache,
                    card=card,
                    finish=lambda: _require(source, cache),
                )
    pack = _require(source, cache)
    for s in seats or []:
        if s not in pack.scenario.roles:
            raise UsageError(
                f"unknown seat {s!r}", f"choose from: {', '.join(pack.scenario.roles)}"
            )
    names = {s: args.name for s in seats} if (args.name and seats) else {}
    if use_tui:
        try:
            from summit_game.ui.app import run_app
        except ImportError:
            use_tui = False
        else:
            return run_app(
                pack,
                saves,
                seats=seats,
                name=args.name,
                load=args.load,
                seed=args.seed,
                until=until,
                source=source,
                cache=cache,
            )
    import gc

    gc.enable()  # in case the TUI was meant to start but cannot be imported
    from summit_game.plain import run_plain

    return run_plain(
        pack,
        saves,
        sys.stdin,
        sys.stdout,
        seats=seats,
        names=names,
        load=args.load,
        seed=args.seed,
        until=until,
        source=source,
        cache=cache,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, dispatch, and turn errors into messages and exit codes."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["play", *argv]
    try:
        args = build_parser().parse_args(argv)
        handler = {
            "play": cmd_play,
            "check": cmd_check,
            "graph": cmd_graph,
            "schema": cmd_schema,
            "debrief": cmd_debrief,
            "explore": cmd_explore,
            "new": cmd_new,
            "report": cmd_report,
            "serve": cmd_serve,
        }[args.command or "play"]
        return handler(args)
    except SummitError as exc:
        _report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so plainly, traceback only on request
        if os.environ.get("SUMMIT_DEBUG") == "1":
            traceback.print_exc()
        print(
            f"summit-game: internal error: {type(exc).__name__}: {exc} "
            "(set SUMMIT_DEBUG=1 for details, and please report it)",
            file=sys.stderr,
        )
        return 70


def _report(exc: SummitError) -> None:
    from summit_game.errors import ContentError

    if isinstance(exc, ContentError):
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        n = sum(d.is_error for d in exc.diagnostics)
        print(
            f"the pack has {n} error{'s' * (n != 1)}; run `summit-game check` on it",
            file=sys.stderr,
        )
    else:
        print(f"summit-game: {exc}", file=sys.stderr)
