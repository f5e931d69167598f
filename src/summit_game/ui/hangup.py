"""Ending the game when its terminal goes away.

Closing the terminal window (or killing tmux, or a dropped SSH link) should
end the game.  The kernel's SIGHUP does that only when the game runs in the
terminal's foreground process group: under ``make play`` it does not, and
Textual's input thread then reads end-of-file from the dead terminal in a
tight loop, for ever: a process at 100 % of a core on a student's laptop,
found running an hour after its window had closed.

A daemon thread waits for the terminal's hang-up (``poll`` reports
``POLLHUP``, never consuming input) and asks the app to leave.  Every decision
is autosaved already; leaving saves once more.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable

#: How often the watcher wakes to see whether the app has ended (seconds).
POLL_SECONDS = 0.5


def watch_terminal(fd: int, gone: Callable[[], None], done: threading.Event) -> threading.Thread:
    """Call ``gone()`` (from a thread) once the terminal behind ``fd`` hangs up.

    ``done`` stops the watch; the thread is a daemon, so it never holds the
    process open either way.
    """
    poller = select.poll()
    poller.register(fd, 0)  # no events asked: only hang-up and error are reported

    def watch() -> None:
        while not done.is_set():
            try:
                events = poller.poll(POLL_SECONDS * 1000)
            except OSError:
                return
            if any(
                mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events
            ):
                if not done.is_set():
                    gone()
                return

    thread = threading.Thread(target=watch, name="summit-terminal-watch", daemon=True)
    thread.start()
    return thread
