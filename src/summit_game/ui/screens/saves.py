"""Named saves and the autosave: write one, or pick one to load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from summit_game.errors import SaveError
from summit_game.pack import Pack
from summit_game.saves import check_name, is_autosave, list_saves, read_save
from summit_game.text import number, visible
from summit_game.ui.present import long_date
from summit_game.ui.screens.base import ConfirmScreen, OverlayScreen


@dataclass(frozen=True)
class SaveRow:
    """A save as the lists show it."""

    name: str
    path: Path
    summary: str
    """Date, seat, scene title and divergence, or why the save cannot be loaded."""
    error: str | None


def reason(path: Path, message: str) -> str:
    """A save error without the file's path in front (the list already names it)."""
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def save_rows(pack: Pack, folder: Path) -> list[SaveRow]:
    """Every save in ``folder``, autosave first; broken ones carry their reason."""
    rows = []
    for info in list_saves(folder):
        if info.error is not None:
            rows.append(SaveRow(info.name, info.path, "", reason(info.path, info.error)))
            continue
        try:
            state = read_save(info.path).state
        except SaveError as exc:
            rows.append(SaveRow(info.name, info.path, "", reason(info.path, exc.message)))
            continue
        scene = pack.scenes.get(state.scene_id)
        seats = ", ".join(
            pack.scenario.roles[s].name if s in pack.scenario.roles else s for s in state.seats
        )
        if scene is None:
            summary = f"{seats} · {info.label}"
        else:
            # A save from before the pack gained a meter lacks it: count it at
            # its start value here, as loading the save (a replay) would.
            meters = {
                m: state.meters.get(m, float(spec.start))
                for m, spec in pack.scenario.meters.items()
            }
            div = pack.record.divergence(meters, scene.date)
            summary = (
                f"{long_date(scene.date)} · {seats} · {scene.title} · divergence {number(div)}"
            )
        if info.saved_at is not None:
            summary += f" · saved {info.saved_at:%Y-%m-%d %H:%M}"
        rows.append(SaveRow(info.name, info.path, summary, None))
    rows.sort(key=lambda r: not is_autosave(r.name))
    return rows


def row_text(row: SaveRow) -> Text:
    """Two lines: the save's name, then its summary or the reason it cannot load."""
    text = Text(visible(row.name), style="bold")
    if is_autosave(row.name):
        text.append(" (autosave)", style="italic")
    if row.error is not None:
        text.append("\n   cannot be loaded: ", style="bold")
        text.append(visible(row.error))
    else:
        text.append("\n   " + visible(row.summary))
    return text


class LoadScreen(OverlayScreen):
    """The saves, autosave first, each with date, seat, scene and divergence."""

    def body(self) -> ComposeResult:
        yield Static(Text("Load a game", style="bold"), classes="screen-title")
        self.rows = save_rows(self.game.pack, self.game.saves)
        if self.rows:
            yield OptionList(
                *[Option(row_text(r), id=str(i)) for i, r in enumerate(self.rows)], id="save-list"
            )
            yield Static(
                Text("↑↓ pick a save · Enter load it · Esc back", style="italic"), classes="hint"
            )
        else:
            yield Static(
                Text(f"No saves yet in {visible(str(self.game.saves))}.", style="italic"),
                id="no-saves",
            )

    def on_mount(self) -> None:
        lists = self.query(OptionList)
        if lists:
            lists.first().highlighted = 0
            lists.first().focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.rows[int(event.option.id or 0)]
        if row.error is not None:
            self.notify(
                f"'{visible(row.name)}' cannot be loaded: {visible(row.error)}",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        self.game.load_path(row.path, row.name)


class SaveScreen(OverlayScreen):
    """Type a name to save under; the saves already there are listed below."""

    def body(self) -> ComposeResult:
        yield Static(Text("Save this game", style="bold"), classes="screen-title")
        yield Input(
            placeholder="A name: letters, digits, spaces, - _ .", id="save-name", max_length=64
        )
        yield Static(Text("Enter to save · Esc back", style="italic"), classes="hint")
        self.rows = save_rows(self.game.pack, self.game.saves)
        if self.rows:
            yield Static(Text("Saves already here", style="bold"), classes="section")
            yield OptionList(*[Option(row_text(r), id=r.name) for r in self.rows], id="save-list")

    def on_mount(self) -> None:
        self.query_one("#save-name", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name_input = self.query_one("#save-name", Input)
        name_input.value = event.option.id or ""
        name_input.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = check_name(event.value)
        except SaveError as exc:
            self.notify(visible(str(exc)), severity="error", markup=False)
            return
        existing = next((r for r in self.rows if r.name == name), None)
        if existing is not None and existing.error is not None:
            # Overwriting would destroy what is left of it: a broken save stays untouched.
            self.notify(
                f"'{visible(name)}' holds a save that cannot be loaded; it is left "
                "untouched. Choose another name.",
                severity="error",
                markup=False,
            )
            return
        if existing is None:
            self._write(name)
            return

        def done(yes: bool | None) -> None:
            if yes:
                self._write(name)

        self.app.push_screen(ConfirmScreen(f"Replace the save '{visible(name)}'?"), done)

    def _write(self, name: str) -> None:
        if self.game.save_as(name):
            self.dismiss()
