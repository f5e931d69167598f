"""The game as one browser visitor plays it under ``summit-game serve``.

``summit-game serve`` (:mod:`summit_game.serve`) starts one process per
visitor with ``python -m summit_game.ui.served --content DIR --saves-dir DIR``
(and ``--until DATE`` when the teacher gave one);
textual-serve sets ``TEXTUAL_DRIVER`` so the app talks to the browser.

A whole class shares one saves folder, so a served game differs from the
terminal one in three ways:

* it asks the player's name first, so that *Continue* finds this player's
  autosave and every save is named after them;
* a player who gives no name (or one with no letters or digits a file name
  can keep) gets a guest name for their autosave (``guest-3f2a1c-autosave``),
  never the shared ``autosave`` another student would overwrite;
* *Continue* never picks up somebody else's game.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from summit_game.pack import Pack
from summit_game.saves import AUTOSAVE, SaveInfo, autosave_name
from summit_game.text import visible
from summit_game.ui.app import SummitApp


class ServedApp(SummitApp):
    """:class:`SummitApp` for one visitor of a shared, served game."""

    def __init__(
        self,
        pack: Pack,
        saves: Path,
        *,
        guest: str | None = None,
        until: dt.date | None = None,
    ) -> None:
        super().__init__(pack, saves, until=until)
        self.guest = guest or f"guest-{secrets.token_hex(3)}"
        """This visitor's autosave prefix while they have no usable name."""

    def on_mount(self) -> None:
        # SummitApp.on_mount runs too (Textual calls each class's handler) and
        # pushes the title: ask for the name over it once it is there.
        self.call_later(self._ask_name)

    def _ask_name(self) -> None:
        from summit_game.ui.screens.name import NameScreen

        self.push_screen(NameScreen(), self._named)

    def _named(self, name: str | None) -> None:
        from summit_game.ui.screens.title import TitleScreen

        self.player_name = name or None
        self.ask_name = False
        self.show(TitleScreen())  # its Continue line now speaks of this player's autosave
        if self.player_name:
            self.notify(f"Welcome, {visible(self.player_name)}.", markup=False)

    def autosave_name(self) -> str:
        """The player's autosave, or this visitor's guest autosave: never the shared one."""
        name = super().autosave_name()
        return name if name != AUTOSAVE else f"{self.guest}-{AUTOSAVE}"

    def latest_autosave(self) -> SaveInfo | None:
        """This player's autosave; nobody else's, and none for a guest."""
        if autosave_name({"": self.player_name or ""}) == AUTOSAVE:
            return None
        return super().latest_autosave()


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments ``summit-game serve`` gives each visitor's process (see serve.app_argv)."""
    parser = argparse.ArgumentParser(prog="summit_game.ui.served")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--saves-dir", type=Path, required=True)
    # Checked by `serve` before it listens: here it is always a date.
    parser.add_argument("--until", type=dt.date.fromisoformat)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one served game (the command ``summit-game serve`` starts per visitor)."""
    from summit_game import packcache
    from summit_game.paths import cache_dir

    args = arguments(argv)
    # Each visitor's process starts from the validated-pack cache (the first
    # one, or the first after an edit, reads the files and fills it).
    pack = packcache.load_cached(args.content, cache_dir())
    if pack is None:
        result = packcache.load(args.content, cache_dir())
        if result.pack is None:
            # `serve` checked the pack before starting; it changed since.
            for d in result.diagnostics:
                print(d.format(), file=sys.stderr)
            return 1
        pack = result.pack
    app = ServedApp(pack, args.saves_dir, until=args.until)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
