"""The content models: these classes ARE the on-disk format of a pack.

Each class mirrors one block of ``content-format.md`` (format v1) plus our
optional extensions.  Every field's docstring becomes the authoring
reference and the JSON Schema editors use for completion, so write them for
a teacher, not for a programmer.  Validation here is about shape and type;
cross-references (scene ids, meters, sources) are checked by the loader,
which knows the whole pack.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr

#: Lowercase ASCII letters, digits, `_` and `-`, starting with a letter.
SLUG_PATTERN = r"^[a-z][a-z0-9_-]*$"

Slug = Annotated[StrictStr, Field(pattern=SLUG_PATTERN, max_length=80)]
Text = StrictStr
#: A number; NaN and infinity are refused, since a meter holding one is ruined.
Number = StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)]
ConditionText = Annotated[StrictStr, Field(max_length=500)]


class _Block(BaseModel):
    """Shared configuration: unknown keys are errors, docstrings document fields.

    ``defer_build``: the validators are built on first validation, not at
    import, so only a command that validates a file pays for them, once.
    Play never imports this module at all: it runs on the plain forms of
    ``forms.py``.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
        defer_build=True,
    )


class Source(_Block):
    """A citable reference in the pack's bibliography."""

    title: Text
    """The title of the article, book or document."""
    publisher: Text | None = None
    """Who published it (newspaper, agency, government, think tank)."""
    date: Text | dt.date | None = None
    """When it was published: `YYYY-MM-DD`, or `YYYY-MM` when only the month is known."""
    url: Text | None = None
    """Where a reader can find it."""


class Meter(_Block):
    """A tracked quantity of the game state, such as trust between two capitals."""

    label: Text
    """The meter's name as players see it, e.g. `Trust US–DPRK`."""
    help: Text | None = None
    """What the meter measures, in a student's words; shown in the meter panel."""
    min: Number = 0
    """The lowest value; effects never push the meter below it."""
    max: Number = 100
    """The highest value; effects never push the meter above it."""
    start: Number
    """The value at the start of every run."""


class Role(_Block):
    """A playable seat at the table."""

    name: Text
    """The seat's title, e.g. `United States negotiator`."""
    brief: Text
    """Who you are, what you want and what you fear: shown before play."""
    start: Slug
    """The id of the scene where this seat begins."""
    goals: list[Text] = []
    """Short goals for this seat (optional; shown with the brief)."""
    red_lines: list[Text] = []
    """What this seat must never accept (optional; shown with the brief)."""
    answers_to: Text | None = None
    """Who this seat answers to at home (optional)."""


class Checkpoint(_Block):
    """The meters as history had them at one date."""

    date: dt.date
    """When, as `YYYY-MM-DD`."""
    values: dict[Slug, Number]
    """Meter id -> value; a meter left out keeps its value from the checkpoint before."""
    note: Text | None = None
    """Why the values are what they are at this date."""
    sources: list[Slug] = []
    """Source ids (from `sources`) that support this checkpoint."""


class Scenario(_Block):
    """`scenario.yaml`: the pack's roles, meters, historical record and bibliography."""

    format: Literal[1]
    """The content-format version; `1` for this contract."""
    id: Slug
    """A stable pack id; saves refer to it, so never rename it."""
    title: Text
    """Shown on the title screen."""
    summary: Text
    """Shown on the title screen under the title."""
    version: Text = "0"
    """The pack's own version, recorded in saves (quote it: `"1.0"`)."""
    start: dt.date
    """The first date any scene may have."""
    end: dt.date
    """The last date any scene may have."""
    roles: dict[Slug, Role]
    """The playable seats, by role id."""
    meters: dict[Slug, Meter]
    """The tracked state, by meter id."""
    record: list[Checkpoint] = []
    """The historical record of the meters, oldest checkpoint first."""
    sources: dict[Slug, Source] = {}
    """The bibliography, by source id."""


class History(_Block):
    """What really happened at this point, shown after the player decides."""

    summary: Text
    """A short account of what happened, in your own words."""
    sources: list[Slug] = []
    """Source ids (from the bibliography) for every claim in the summary."""


class Ending(_Block):
    """Marks a scene as an ending of the game."""

    title: Text
    """The ending's name, e.g. `A frozen peace`."""
    summary: Text
    """What the player's path would have meant."""
    historical: StrictBool = False
    """True for the ending that matches what really happened."""


class Branch(_Block):
    """One item of a conditional `next` list."""

    if_: ConditionText | None = Field(default=None, alias="if")
    """Go here only when this condition holds (leave it out on the last item)."""
    goto: Slug
    """The scene to go to."""


class Event(_Block):
    """Something another actor does, applied to the meters as the scene opens."""

    text: Text
    """What happened, in one line; shown as the cause of the meter changes."""
    by: Slug | None = None
    """The role id of the actor responsible. In hot-seat play the event is skipped
    when a player holds that seat, because that player's own choice produces it."""
    effects: dict[Slug, Number] = {}
    """Meter id -> signed change, added then clamped to the meter's bounds."""
    sources: list[Slug] = []
    """Source ids for the event."""
    if_: ConditionText | None = Field(default=None, alias="if")
    """The event happens only when this condition holds."""


class Choice(_Block):
    """A decision the player can take in a scene."""

    id: Slug
    """Unique within its scene; saves and journals refer to it."""
    text: Text
    """What the player picks."""
    if_: ConditionText | None = Field(default=None, alias="if")
    """The choice is offered only when this condition holds."""
    effects: dict[Slug, Number] = {}
    """Meter id -> signed change, added then clamped to the meter's bounds."""
    set: list[Slug] = []
    """Flags that become true when this choice is taken."""
    historical: StrictBool = False
    """True when this is what the real actor did."""
    feedback: Text | None = None
    """Shown after the choice is taken."""
    next: Slug | list[Branch] | None = None
    """Where play goes: a scene id, or a list of `{if, goto}` whose last item has no `if`."""


class Scene(_Block):
    """One moment of decision (or an ending) from one seat."""

    id: Slug
    """Unique across the whole pack."""
    role: Slug
    """Whose seat this scene is played from."""
    date: dt.date
    """When it happens, as `YYYY-MM-DD`, inside the scenario's span."""
    title: Text
    """The scene's heading."""
    text: Text
    """What the player reads: plain text, never interpreted as markup."""
    place: Text | None = None
    """Where it happens, e.g. `Panmunjom`."""
    history: History | None = None
    """What really happened at this point."""
    counterfactual: StrictBool = False
    """True for scenes that exist only in alternate histories."""
    prompt: Text | None = None
    """A reflection question asked after the choice; the answer goes in the journal."""
    events: list[Event] = []
    """What other actors did since the seat's last decision, applied as the scene opens."""
    choices: list[Choice] = []
    """The decisions on offer (absent only on an ending)."""
    ending: Ending | None = None
    """Present only on an ending."""


class ScenesFile(_Block):
    """A file under `scenes/`: holds a list of scenes."""

    scenes: list[Scene]
    """The scenes in this file, in any order."""


class GlossaryEntry(_Block):
    """One term of the glossary."""

    definition: Text
    """What the term means, in a student's words."""
    sources: list[Slug] = []
    """Source ids supporting the definition."""
    aliases: list[Text] = []
    """Other spellings a scene may use for the same term."""
