"""The pack's glossary, searchable; the current scene's terms come first."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from summit_game.forms import PlayTerm
from summit_game.text import visible
from summit_game.ui.present import plain
from summit_game.ui.screens.base import OverlayScreen


def mentions(term: str, entry: PlayTerm, text: str) -> bool:
    """True when ``text`` uses the term or one of its aliases as a whole word."""
    for word in (term, *entry.aliases):
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, flags=re.IGNORECASE):
            return True
    return False


def matches(term: str, entry: PlayTerm, query: str) -> bool:
    """True when the query is in the term, an alias or the definition."""
    q = query.strip().casefold()
    if not q:
        return True
    return any(q in s.casefold() for s in (term, *entry.aliases, entry.definition))


class GlossaryScreen(OverlayScreen):
    """Type to filter the terms; ↑↓ to read each definition with its sources."""

    def body(self) -> ComposeResult:
        yield Static(Text("Glossary", style="bold"), classes="screen-title")
        yield Input(placeholder="Search the glossary", id="glossary-search")
        with Horizontal(id="glossary-columns"):
            yield OptionList(id="glossary-terms")
            with VerticalScroll(id="glossary-detail"):
                yield Static(id="glossary-definition")

    def on_mount(self) -> None:
        state = self.game.state
        glossary = self.game.pack.glossary
        scene_text = ""
        if state is not None and state.scene_id in self.game.pack.scenes:
            scene = self.game.pack.scenes[state.scene_id]
            scene_text = f"{scene.title}\n{scene.text}"
        self.in_scene = {t for t, e in glossary.items() if mentions(t, e, scene_text)}
        self.refilter("")
        self.query_one("#glossary-search", Input).focus()

    def refilter(self, query: str) -> None:
        """Show the terms that match ``query``, this scene's terms first."""
        glossary = self.game.pack.glossary
        terms = sorted(
            (t for t, e in glossary.items() if matches(t, e, query)),
            key=lambda t: (t not in self.in_scene, t.casefold()),
        )
        options = self.query_one("#glossary-terms", OptionList)
        options.clear_options()
        for term in terms:
            label = Text(visible(term), style="bold")
            if term in self.in_scene:
                label.append("  • in this scene", style="italic")
            options.add_option(Option(label, id=term))
        if terms:
            options.highlighted = 0
            self.show_term(terms[0])
        else:
            message = (
                "This pack has no glossary." if not glossary else "No term matches that search."
            )
            self.query_one("#glossary-definition", Static).update(Text(message, style="italic"))

    def show_term(self, term: str) -> None:
        """Show a term's definition, aliases and sources."""
        entry = self.game.pack.glossary[term]
        text = Text(visible(term) + "\n\n", style="bold")
        text.append_text(plain(entry.definition))
        if entry.aliases:
            text.append("\n\nAlso: ", style="bold")
            text.append(", ".join(visible(a) for a in entry.aliases))
        titles = self.game.pack.source_titles(entry.sources)
        if titles:
            text.append("\n\nSources", style="bold")
            for title in titles:
                text.append("\n  • ")
                text.append_text(plain(title, "italic"))
        self.query_one("#glossary-definition", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#glossary-terms", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.show_term(event.option.id)
