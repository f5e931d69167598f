"""``--plain``: the whole game as numbered lines on stdin and stdout.

Made for screen readers, pipes and scripts (cli.md): no colour, no cursor
movement, one prompt per line.  Every decision is autosaved.  This module
reads and writes through the streams it is given, so tests drive it with
``io.StringIO``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

from summit_game import engine
from summit_game.debrief import build_debrief
from summit_game.engine import Decision, GameState, MeterChange
from summit_game.errors import GameError, SaveError
from summit_game.pack import Pack, PlayScene
from summit_game.saves import autosave_name, load_save, save_path, write_save
from summit_game.text import number, signed, visible

HELP = """Commands:
  a number     pick that choice
  save NAME    save to the saves folder as NAME
  load NAME    load that save
  undo         back to the previous decision
  meters       each meter beside the historical record for this date
  reload       re-read the pack after editing it (your run goes on)
  help         these commands
  quit         autosave and leave (end of input does the same)"""


class PlainGame:
    """One plain-text session over a pack."""

    def __init__(
        self,
        pack: Pack,
        saves: Path,
        stdin: TextIO,
        stdout: TextIO,
        *,
        until: dt.date | None = None,
        source: Path | None = None,
        cache: Path | None = None,
    ) -> None:
        self.pack = pack
        self.source = source
        self.cache = cache
        self.saves = saves
        self.stdin = stdin
        self.stdout = stdout
        self.until = until
        self.state: GameState | None = None

    # ------------------------------------------------------------ output

    def say(self, text: str = "") -> None:
        """Write lines of output (content text made safe first)."""
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str = "> ") -> str | None:
        """Read one line, or None at end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            return None
        return line.rstrip("\r\n")

    # ------------------------------------------------------------ start

    def choose_seat(self) -> list[str] | None:
        """List the seats and read a number (only when --role/--seats was not given)."""
        roles = list(self.pack.scenario.roles.items())
        self.say(visible(self.pack.scenario.title))
        self.say("Choose your seat:")
        for i, (_, role) in enumerate(roles, 1):
            self.say(f"  {i}. {visible(role.name)}")
        while True:
            line = self.ask()
            if line is None or line.strip() == "quit":
                return None
            if line.strip().isdigit() and 1 <= int(line) <= len(roles):
                return [roles[int(line) - 1][0]]
            self.say(f"Type a number from 1 to {len(roles)}.")

    def brief(self, seat: str) -> None:
        role = self.pack.scenario.roles[seat]
        self.say(f"== Your seat: {visible(role.name)} ==")
        self.say(visible(role.brief.strip()))
        for title, items in (("Goals", role.goals), ("Red lines", role.red_lines)):
            if items:
                self.say(f"{title}:")
                for item in items:
                    self.say(f"  - {visible(item)}")
        if role.answers_to:
            self.say(f"You answer to: {visible(role.answers_to)}")
        self.say()

    def run(
        self,
        seats: list[str] | None,
        *,
        names: dict[str, str] | None = None,
        load: str | None = None,
        seed: int = 0,
    ) -> int:
        """Play until the end of input or ``quit``; returns the exit code."""
        if load is not None:
            self.state = self.load(load)
            if self.state is None:
                return 1
        else:
            if not seats:
                seats = self.choose_seat()
                if seats is None:
                    return 0
            self.state = engine.new_game(self.pack, seats, seed=seed, names=names)
            for seat in seats:
                self.brief(seat)
            self.changes(self.state.opening)
        return self.loop()

    # ------------------------------------------------------------ the loop

    def loop(self) -> int:
        assert self.state is not None
        shown: str | None = None
        while True:
            state = self.state
            scene = self.pack.scenes[state.scene_id]
            over = engine.is_over(self.pack, state)
            if self.until is not None and not over and scene.date > self.until:
                self.say(f"== Stop here for discussion: the lesson ends at {self.until}. ==")
                if self.autosave():
                    name = autosave_name(state.names)
                    self.say(
                        f"Your game is saved as '{name}'; continue next time with --load {name}."
                    )
                return 0
            key = f"{state.turn}:{scene.id}:{len(state.decisions)}"
            if key != shown:
                shown = key
                if over:
                    self.ending()
                else:
                    self.show(scene)
            line = self.ask()
            if line is None:
                self.autosave()
                return 0
            word, _, arg = line.strip().partition(" ")
            arg = arg.strip()
            if word == "quit":
                # Never claim a save that failed: the message above says why.
                self.say("Saved. Goodbye." if self.autosave() else "Goodbye (not saved).")
                return 0
            if word == "help":
                self.say(HELP)
            elif word == "meters":
                self.meters()
            elif word == "reload":
                if self.reload():
                    shown = None
            elif word == "undo":
                self.undo()
                shown = None
            elif word == "save":
                self.save(arg)
            elif word == "load":
                loaded = self.load(arg) if arg else None
                if not arg:
                    self.say("Say which save: load NAME.")
                if loaded is not None:
                    self.state = loaded
                    shown = None
            elif word.isdigit() and not arg:
                if over:
                    self.say("The game is over: undo, load NAME, or quit.")
                else:
                    self.pick(int(word))
            elif word == "":
                self.say("Type a choice's number, or help.")
            else:
                self.say(f"'{visible(word)[:40]}' is not a command here; type a number or help.")

    def show(self, scene: PlayScene) -> None:
        assert self.state is not None
        seat_name = self.pack.scenario.roles[scene.role].name
        if len(self.state.seats) > 1:
            who = self.state.names.get(scene.role)
            self.say(
                f"--- {visible(seat_name)}'s turn" + (f" ({visible(who)})" if who else "") + " ---"
            )
        place = f", {visible(scene.place)}" if scene.place else ""
        flag = " [alternate history]" if scene.counterfactual else ""
        self.say(f"{scene.date.isoformat()}{place}{flag}")
        self.say(f"== {visible(scene.title)} ==")
        self.say(visible(scene.text.strip()))
        self.say()
        for i, choice in enumerate(engine.available(self.pack, self.state), 1):
            self.say(f"  {i}. {visible(choice.text)}")
        self.say(f"Divergence from history: {number(engine.divergence(self.pack, self.state))}")

    def changes(self, changes: tuple[MeterChange, ...] | list[MeterChange]) -> None:
        for ch in changes:
            label = self.pack.meter_label(ch.meter)
            self.say(
                f"  {visible(label)} {signed(ch.after - ch.before)} "
                f"(now {number(ch.after)}): {visible(ch.cause)}"
            )

    def pick(self, n: int) -> None:
        assert self.state is not None
        offered = engine.available(self.pack, self.state)
        if not 1 <= n <= len(offered):
            self.say(f"There is no choice {n}; pick 1 to {len(offered)}.")
            return
        choice = offered[n - 1]
        scene = self.pack.scenes[self.state.scene_id]
        self.state, decision = engine.step(self.pack, self.state, choice.id)
        if choice.feedback:
            self.say(visible(choice.feedback.strip()))
        self.history(scene, decision)
        self.changes(decision.changes)
        if scene.prompt:
            self.say(f"Reflect: {visible(scene.prompt.strip())}")
            answer = self.ask("Your answer> ")
            if answer:
                self.state = engine.record_journal(self.state, answer)
        self.autosave()
        self.say()

    def history(self, scene: PlayScene, decision: Decision) -> None:
        hist = scene.history
        if hist is None:
            return
        real = scene.historical_choice
        self.say("What really happened:")
        self.say(visible(hist.summary.strip()))
        if real is not None:
            mark = (
                "You did what the real actor did."
                if decision.historical
                else f"The real actor chose: {visible(real.text)}"
            )
            self.say(mark)
        for title in self.pack.source_titles(hist.sources):
            self.say(f"  Source: {visible(title)}")

    def meters(self) -> None:
        assert self.state is not None
        date = self.state.date(self.pack)
        record = self.pack.record.at(date)
        self.say(f"Meters on {date.isoformat()} (you / the record):")
        for mid, m in self.pack.scenario.meters.items():
            value, hist = self.state.meters[mid], record[mid]
            gap = value - hist
            words = (
                "same as history"
                if gap == 0
                else f"{number(abs(gap))} {'above' if gap > 0 else 'below'} history"
            )
            self.say(f"  {mid}: {visible(m.label)} {number(value)} / {number(hist)} ({words})")
        self.say(f"Divergence from history: {number(engine.divergence(self.pack, self.state))}")

    def ending(self) -> None:
        assert self.state is not None
        report = build_debrief(self.pack, self.state)
        for seat, (title, summary) in report.endings.items():
            role = self.pack.scenario.roles[seat].name
            self.say(f"== The end for the {visible(role)}: {visible(title)} ==")
            self.say(visible(summary.strip()))
        self.say()
        self.say("== Debrief ==")
        for row in report.decisions:
            mark = "as history" if row.historical else "departed from history"
            self.say(
                f"{row.number}. {row.date.isoformat()} {visible(row.scene_title)}: "
                f"you chose {visible(row.chosen)!r} ({mark})"
            )
            if not row.historical and row.history_choice:
                self.say(f"   The real actor chose {visible(row.history_choice)!r}.")
            if row.journal:
                self.say(f"   Your reflection: {visible(row.journal)}")
        self.say(f"You matched history in {report.matched} of {len(report.decisions)} decisions.")
        self.meters()
        self.say("The game is over: undo, load NAME, or quit.")

    # ------------------------------------------------------------ saves

    def label(self) -> str:
        assert self.state is not None
        scene = self.pack.scenes[self.state.scene_id]
        seats = ",".join(self.state.seats)
        return f"{scene.date.isoformat()} {seats}: {scene.title}"

    def autosave(self) -> bool:
        """Write the autosave; False (and a message said) when it could not be written."""
        return self.state is not None and self._write(autosave_name(self.state.names))

    def save(self, name: str) -> None:
        if not name:
            self.say("Say a name: save NAME.")
            return
        if self._write(name):
            self.say(f"Saved as '{visible(name)}'.")

    def _write(self, name: str) -> bool:
        if self.state is None:
            return False
        try:
            write_save(self.saves, name, self.pack, self.state, self.label())
        except SaveError as exc:
            self.say(f"Could not save: {visible(str(exc))}")
            return False
        return True

    def load(self, name: str) -> GameState | None:
        try:
            path = (
                Path(name)
                if name.endswith(".json") and "/" in name
                else save_path(self.saves, name)
            )
            state = load_save(path, self.pack)
        except SaveError as exc:
            self.say(f"Could not load: {visible(str(exc))}")
            return None
        self.say(f"Loaded '{visible(name)}'.")
        return state

    def reload(self) -> bool:
        """Re-read the pack from disk; True when the scene should be shown again."""
        if self.source is None:
            self.say("This game was not started from a pack folder; nothing to reload.")
            return False
        from summit_game.live import reload_pack

        outcome = reload_pack(self.source, self.state, self.cache)
        for d in outcome.diagnostics:
            self.say(visible(d.format()))
        self.say(outcome.message)
        if outcome.pack is None:
            return False
        self.pack = outcome.pack
        if outcome.state is not None:
            self.state = outcome.state
        return True

    def undo(self) -> None:
        assert self.state is not None
        try:
            self.state = engine.undo(self.pack, self.state)
        except GameError as exc:
            self.say(visible(str(exc)))
            return
        self.say("Back to before your last decision.")


def run_plain(
    pack: Pack,
    saves: Path,
    stdin: TextIO,
    stdout: TextIO,
    *,
    seats: list[str] | None,
    names: dict[str, str] | None = None,
    load: str | None = None,
    seed: int = 0,
    until: dt.date | None = None,
    source: Path | None = None,
    cache: Path | None = None,
) -> int:
    """Play ``pack`` in plain mode; returns the exit code.

    ``source`` is the pack folder, for ``reload``; ``cache`` the parse cache.
    """
    game = PlainGame(pack, saves, stdin, stdout, until=until, source=source, cache=cache)
    return game.run(seats, names=names, load=load, seed=seed)
