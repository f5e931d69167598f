"""The Textual interface: screens and widgets over the headless engine.

Only this package imports Textual.  Every piece of game state lives in the
engine's :class:`~summit_game.engine.GameState`, held by
:class:`~summit_game.ui.app.SummitApp`; widgets only display it.
"""
