"""Where things live, decided once at the edge (flag, then environment, then default).

The CLI resolves these and passes plain ``Path`` objects down; nothing below
the CLI reads the environment for a location.
"""

from __future__ import annotations

import os
from pathlib import Path

PACK_ID = "korea-2017-2025"

#: The project checkout this package was installed from (editable installs).
_CHECKOUT = Path(__file__).resolve().parents[2]


def default_content() -> Path:
    """The shipped pack: ``$SUMMIT_CONTENT``, ./content/<pack>, or the checkout's."""
    env = os.environ.get("SUMMIT_CONTENT")
    if env:
        return Path(env)
    here = Path.cwd() / "content" / PACK_ID
    if here.is_dir():
        return here
    return _CHECKOUT / "content" / PACK_ID


def default_saves() -> Path:
    """The saves folder: ``$SUMMIT_SAVES``, ./saves when present, else the user's data dir."""
    env = os.environ.get("SUMMIT_SAVES")
    if env:
        return Path(env)
    here = Path.cwd() / "saves"
    if here.is_dir():
        return here
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "summit" / "saves"


def cache_dir() -> Path:
    """Where the validated-pack cache goes: ``$SUMMIT_CACHE`` or the user's cache dir."""
    env = os.environ.get("SUMMIT_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summit"
