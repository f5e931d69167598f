"""`summit-game new pack` and `new scene`: files a teacher can edit, valid from the start.

Every file written here passes ``summit-game check`` as it stands, explains
each key in a comment, and begins with the editor modeline
``# yaml-language-server: $schema=...`` so VS Code (with the YAML extension)
and other editors complete keys and flag mistakes while the teacher types.

Where the schema comes from: a new pack gets its own copy,
``pack.schema.json``, next to ``scenario.yaml``, so a pack copied out of the
repository (onto a USB stick, into another course) keeps its completion.
After upgrading Summit, refresh it with
``summit-game schema -o <pack>/pack.schema.json``.

``new scene`` links the scene it writes: it appends one choice to the
scene named by ``--after``, editing that file's text in place (a few added
lines; every other byte, the teacher's comments included, stays as it was).
The edit is checked before it is written, by parsing the result and
comparing it with the old data plus the new choice, and the whole pack is
checked after; if either check fails nothing is changed, or (when the file's
layout is too unusual to edit safely) the exact lines to add are printed.
Existing files are never overwritten.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from summit_game.errors import ContentError, SummitError, UsageError
from summit_game.loader import load_pack
from summit_game.model import SLUG_PATTERN
from summit_game.pack import Pack
from summit_game.schema import schema_text
from summit_game.yamlread import parse_text

SCHEMA_FILE = "pack.schema.json"
MODELINE = "# yaml-language-server: $schema="
_SLUG = re.compile(SLUG_PATTERN)


@dataclass
class Scaffolded:
    """What a ``new`` command did, for the CLI to report."""

    written: list[Path] = field(default_factory=list)
    edited: list[Path] = field(default_factory=list)
    manual: str | None = None
    """Lines the teacher must add by hand, when the edit could not be made safely."""
    next_steps: str = ""


def _check_slug(value: str, what: str) -> None:
    if not _SLUG.match(value) or len(value) > 80:
        raise UsageError(
            f"{value!r} cannot be {what}",
            "use lowercase letters, digits, '_' and '-', starting with a letter, e.g. cuba-1962",
        )


def _write_new(path: Path, text: str) -> None:
    """Create ``path``; refuse if it exists (never overwrite a teacher's file)."""
    try:
        with path.open("x", encoding="utf-8", newline="") as f:
            f.write(text)
    except FileExistsError:
        raise SummitError(f"{path}: already exists; it was not overwritten") from None
    except OSError as exc:
        raise SummitError(f"{path}: cannot write ({exc.strerror})") from None


# --------------------------------------------------------------------------- new pack

_SCENARIO = """\
# yaml-language-server: $schema={schema}
# scenario.yaml: the whole pack's set-up. Every key is explained in
# docs/authoring.md; `summit-game check {folder}` tells you about any mistake.
# Lines starting with # are comments: the game ignores them.

# The content-format version. Always 1.
format: 1
# The pack's id: lowercase letters, digits, - and _. Saves refer to it: never rename it.
id: {name}
# Shown on the title screen.
title: "{title}"
summary: "A short scenario to edit: two seats, a few scenes, two endings each."
# Your own version number, recorded in saves. Keep the quotes.
version: "0.1"
# The span of time every scene's date must fall in (YYYY-MM-DD).
start: 2018-01-01
end: 2019-12-31

# The playable seats. Each has a name, a brief (shown before play) and the id
# of the scene where it starts.
roles:
  us:
    name: United States negotiator
    brief: |
      You advise the President on North Korea. You want the missile tests to
      stop without a war, and you must keep the allies with you.
    # Optional lists shown with the brief.
    goals:
      - Stop the missile tests
    red_lines:
      - No sanctions relief for promises alone
    start: us-start
  dprk:
    name: DPRK negotiator
    brief: |
      You advise the Chairman. You want the sanctions lifted and the state
      secure, without giving up the deterrent first.
    start: dprk-start

# The meters: what the game tracks. Choices and events move them; they never
# go below `min` or above `max` (0 and 100 when left out).
# Meters whose id starts with `trust` count as conciliation for `explore`.
meters:
  trust_us_dprk:
    label: Trust US-DPRK
    help: How far Washington and Pyongyang believe each other.
    min: 0
    max: 100
    start: 20
  tension:
    label: Military tension
    help: How close the peninsula is to a clash.
    start: 60

# The historical record: what the meters really were at some dates, oldest
# first. Divergence from history is measured against it.
record:
  - date: 2018-01-01
    values: {{trust_us_dprk: 20, tension: 60}}
    note: Before the thaw.
    sources: [example-source]
  - date: 2018-06-12
    values: {{trust_us_dprk: 45, tension: 35}}
    note: After the first summit.
    sources: [example-source]

# The bibliography: every `sources: [...]` list in the pack uses these ids.
sources:
  example-source:
    title: Replace this with a real source
    publisher: A publisher
    date: "2019-01-01"
    url: https://example.org/
"""

_US_SCENES = """\
# yaml-language-server: $schema=../{schema}
# The United States seat. A file under scenes/ holds `scenes:`, a list; you
# may split scenes over as many files and sub-folders as you like.
scenes:
  # The first scene of the seat (named in scenario.yaml, roles/us/start).
  - id: us-start
    # The seat that plays it: a role id from scenario.yaml.
    role: us
    # When it happens, inside the scenario's start..end.
    date: 2018-03-08
    title: An invitation
    # What the player reads. `|` keeps your line breaks.
    text: |
      South Korean envoys bring a message: Kim Jong Un offers to meet the
      President. What do you advise?
    # Optional: what really happened, shown after the player decides.
    history:
      summary: The President accepted on the spot.
      sources: [example-source]
    # Optional: a question the player answers in their journal.
    prompt: Why did you advise this?
    choices:
      # Each choice: an id (unique in this scene), the text the player picks,
      # effects on the meters, and where play goes next.
      - id: accept
        text: Accept the meeting
        # Meter id: change. Added to the meter, then kept within min..max.
        effects: {{trust_us_dprk: 20, tension: -20}}
        # True when this is what the real actor did.
        historical: true
        # Optional: shown right after the choice.
        feedback: You said yes. The summit is set for June.
        next: us-end-talks
      - id: refuse
        text: Refuse until the tests stop for good
        effects: {{trust_us_dprk: -10, tension: 10}}
        # Flags: names that become true when this choice is taken.
        set: [us_refused]
        # A conditional `next`: the first branch whose `if` holds wins; the
        # last branch has no `if`.
        next:
          - if: tension >= 70
            goto: us-end-standoff
          - goto: us-end-talks

  # An ending: `ending:` instead of `choices:`.
  - id: us-end-talks
    role: us
    date: 2019-12-31
    title: Talks, then a stall
    text: There were summits, then the talks stalled.
    ending:
      title: Talks that stalled
      summary: Close to what really happened.
      # True for the ending that matches history.
      historical: true

  - id: us-end-standoff
    role: us
    date: 2019-12-31
    title: A standoff
    # True for scenes that exist only in an alternate history.
    counterfactual: true
    text: No talks, more tests, more exercises.
    ending:
      title: An armed standoff
      summary: Tension stayed high and nobody talked.
"""

_DPRK_SCENES = """\
# yaml-language-server: $schema=../{schema}
# The DPRK seat.
scenes:
  - id: dprk-start
    role: dprk
    date: 2018-01-01
    title: New Year
    text: |
      The Chairman's New Year speech is days away. Do you advise an opening to
      the South, or another test?
    # Optional: what other capitals did, applied to the meters as the scene
    # opens. `by` names the seat responsible: the event is skipped when a
    # player holds that seat, because their own choice does it.
    events:
      - text: Washington tightens sanctions.
        by: us
        effects: {{tension: 5}}
    choices:
      - id: opening
        text: Offer to join the Olympics
        effects: {{trust_us_dprk: 5, tension: -10}}
        historical: true
        next: dprk-end-thaw
      - id: test
        text: Test another missile
        effects: {{tension: 15}}
        next: dprk-end-isolation

  - id: dprk-end-thaw
    role: dprk
    date: 2019-12-31
    title: A thaw
    text: Summits followed, then a long silence.
    ending:
      title: A thaw that faded
      summary: Close to what really happened.
      historical: true

  - id: dprk-end-isolation
    role: dprk
    date: 2019-12-31
    title: Isolation
    counterfactual: true
    text: More tests, more sanctions, no talks.
    ending:
      title: Isolation
      summary: The arsenal grew and the economy shrank.
"""

_GLOSSARY = """\
# yaml-language-server: $schema={schema}
# Optional: terms a student may not know. Each term has a definition and the
# source ids (from scenario.yaml) that support it.
ICBM:
  definition: An intercontinental ballistic missile, able to fly more than 5,500 km.
  sources: [example-source]
"""


def new_pack(name: str, parent: Path) -> Scaffolded:
    """Write a small, playable pack ``parent/name`` with every key commented."""
    _check_slug(name, "a pack name")
    root = parent / name
    if root.exists():
        raise SummitError(
            f"{root}: already exists; nothing was written",
            "choose another name, or delete the folder first",
        )
    try:
        (root / "scenes").mkdir(parents=True)
    except OSError as exc:
        raise SummitError(f"{root}: cannot create the folder ({exc.strerror})") from None
    title = name.replace("-", " ").replace("_", " ").capitalize()
    fill = {"schema": SCHEMA_FILE, "name": name, "title": title, "folder": root}
    files = [
        (root / SCHEMA_FILE, schema_text()),
        (root / "scenario.yaml", _SCENARIO.format(**fill)),
        (root / "glossary.yaml", _GLOSSARY.format(**fill)),
        (root / "scenes" / "us.yaml", _US_SCENES.format(**fill)),
        (root / "scenes" / "dprk.yaml", _DPRK_SCENES.format(**fill)),
    ]
    done = Scaffolded()
    for path, text in files:
        _write_new(path, text)
        done.written.append(path)
    done.next_steps = (
        f"Next: edit the files, then run\n"
        f"  summit-game check {root}\n"
        f"  summit-game play --content {root} --plain --role us"
    )
    return done


# --------------------------------------------------------------------------- new scene

_SCENE = """\
{modeline}
# A new scene for the {role} seat, played after `{after}`.
# `summit-game new scene` also gave `{after}` a choice, `{link}`, that leads here.
# Every key is explained in docs/authoring.md; check the pack with
#   summit-game check {pack}
scenes:
  # Unique across the whole pack; saves refer to it, so keep it once played.
  - id: {id}
    # The seat that plays this scene (a role id from scenario.yaml).
    role: {role}
    # YYYY-MM-DD, inside the scenario's start..end (here: the date of `{after}`).
    date: {date}
    title: A new scene
    # What the player reads: plain text; `|` keeps your line breaks.
    text: |
      Write what the player sees here.
    # Optional keys (remove the # to use them):
    # place: Panmunjom
    # counterfactual: true          # only happens in an alternate history
    # history:                      # what really happened, shown after the choice
    #   summary: Write it in your own words.
    #   sources: [a-source-id]      # ids from `sources:` in scenario.yaml
    # prompt: Why did you choose this?   # a question for the player's journal
    choices:
      # Each choice needs an id (unique in this scene), text and `next`.
      - id: carry-on
        text: Carry on
        # Meter id: signed change, e.g. {{{meter}: 5}}; kept within the meter's bounds.
        effects: {{}}
        # if: {meter} > 50          # offer the choice only when this holds
        # set: [a_flag]             # flags that become true
        # historical: true          # this is what the real actor did
        # feedback: Shown right after the choice.
        # Where play goes next (here: where `{after}`'s first choice leads).
        next: {target}
"""


def _modeline_for(pack: Pack, scene_file: Path, created: Scaffolded) -> str:
    """The modeline for a new file next to ``scene_file``, writing a schema if none exists."""
    try:
        first = scene_file.read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        first = []
    if first and first[0].startswith(MODELINE):
        # Same folder as that file, so the same relative path works.
        return first[0]
    schema = pack.root / SCHEMA_FILE
    if not schema.exists():
        _write_new(schema, schema_text())
        created.written.append(schema)
    rel = os.path.relpath(schema, scene_file.parent.resolve())
    return MODELINE + Path(rel).as_posix()


def _unique(base: str, taken: set[str]) -> str:
    base = base[:76].rstrip("-_")
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def new_scene(pack_dir: Path, role: str, after: str, scene_id: str | None = None) -> Scaffolded:
    """Write a scene played by ``role`` after ``after`` and link it; see the module doc."""
    if not (pack_dir / "scenario.yaml").is_file():
        raise SummitError(
            f"{pack_dir}: no pack here (there is no scenario.yaml)",
            "give the pack folder, e.g. --pack content/my-pack; "
            "`summit-game new pack NAME` makes one",
        )
    result = load_pack(pack_dir)
    pack = result.pack
    if pack is None:
        raise ContentError(result.diagnostics)
    roles = pack.scenario.roles
    if role not in roles:
        near = difflib.get_close_matches(role, list(roles), n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"the roles are: {', '.join(roles)}"
        raise UsageError(f"unknown role {role!r} in {pack_dir}", hint)
    if after not in pack.scenes:
        near = difflib.get_close_matches(after, list(pack.scenes), n=1)
        hint = f"did you mean {near[0]!r}?" if near else "give the id of an existing scene"
        raise UsageError(f"unknown scene {after!r} in {pack_dir}", hint)
    before = pack.scenes[after]
    if before.role != role:
        raise UsageError(
            f"scene {after!r} is played from the {before.role!r} seat, not {role!r}",
            f"a scene after it is played from the same seat: use --role {before.role}",
        )
    if before.is_ending or not before.choices:
        raise UsageError(
            f"scene {after!r} is an ending, so nothing can come after it",
            "give the scene before the ending instead",
        )
    if scene_id is not None:
        _check_slug(scene_id, "a scene id")
        if scene_id in pack.scenes:
            raise UsageError(f"a scene with id {scene_id!r} already exists", "choose another id")
        new_id = scene_id
    else:
        new_id = _unique(f"{after}-new", set(pack.scenes))
    display, _ = pack.locations[after]
    scene_file = Path(display)
    target_file = scene_file.parent / f"{new_id}.yaml"
    if target_file.exists():
        raise SummitError(f"{target_file}: already exists; nothing was written")
    link = _unique(f"go-{new_id}", {c.id for c in before.choices})
    target = before.choices[0].next[-1][1]
    done = Scaffolded()
    meter = next(iter(pack.scenario.meters))
    # newline="" keeps Windows line ends as they are: we write back only what we add.
    with scene_file.open(encoding="utf-8", newline="") as f:
        original = f.read()
    edited = _append_choice(original, scene_file, after, link, new_id)
    modeline = _modeline_for(pack, scene_file, done)
    text = _SCENE.format(
        modeline=modeline,
        role=role,
        after=after,
        link=link,
        pack=pack_dir,
        id=new_id,
        date=before.date.isoformat(),
        meter=meter,
        target=target,
    )
    _write_new(target_file, text)
    done.written.append(target_file)
    if edited is None:
        done.manual = _manual(scene_file, after, link, new_id)
        done.next_steps = f"Then run: summit-game check {pack_dir}"
        return done
    _replace(scene_file, edited)
    done.edited.append(scene_file)
    after_result = load_pack(pack_dir)
    if after_result.pack is None:
        # Our edit broke something we did not foresee: put everything back.
        _replace(scene_file, original)
        for path in done.written:
            path.unlink(missing_ok=True)
        raise SummitError(
            "the new scene did not pass `check`, so nothing was changed: "
            + "; ".join(d.format() for d in after_result.errors[:3]),
            "please report this",
        )
    done.next_steps = (
        f"Next: write the scene in {target_file}, then run\n"
        f"  summit-game check {pack_dir}\n"
        f"  summit-game play --content {pack_dir} --plain --role {role}"
    )
    return done


def _choice_lines(dash: int, key: int, link: str, new_id: str) -> list[str]:
    pad, kpad = " " * dash, " " * key
    return [
        f"{pad}# Added by `summit-game new scene`: leads to the new scene {new_id}.",
        f"{pad}- id: {link}",
        f'{kpad}text: "Go to the new scene (write this choice\'s text)"',
        f"{kpad}next: {new_id}",
    ]


def _manual(scene_file: Path, after: str, link: str, new_id: str) -> str:
    lines = "\n".join(_choice_lines(6, 8, link, new_id))
    return (
        f"Could not add the link to {scene_file} safely. Add these lines at the end of "
        f"the `choices:` of scene {after} (indented like the other choices there):\n{lines}"
    )


def _replace(path: Path, text: str) -> None:
    """Write ``text`` over ``path`` through a temporary file, so a crash leaves one or the other."""
    tmp = path.with_name(f".{path.name}.summit-tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SummitError(f"{path}: cannot write ({exc.strerror})") from None


_ITEM = re.compile(r"^( *)- +(?=[^\s#])")


def _append_choice(text: str, path: Path, after: str, link: str, new_id: str) -> str | None:
    """``text`` with a choice appended to scene ``after``, or None when not safely possible."""
    doc = parse_text(text, str(path))
    if doc.diagnostics or not isinstance(doc.data, dict):
        return None
    scenes = doc.data.get("scenes")
    if not isinstance(scenes, list):
        return None
    index = next(
        (i for i, s in enumerate(scenes) if isinstance(s, dict) and s.get("id") == after), None
    )
    if index is None:
        return None
    choices = scenes[index].get("choices")
    if not isinstance(choices, list) or not choices:
        return None
    last = len(choices) - 1
    start = doc.lines.get(("scenes", index, "choices", last))
    if start is None:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    item = _ITEM.match(lines[start - 1])
    if item is None:  # flow style (`choices: [...]`) or an unusual layout
        return None
    dash = len(item.group(1))
    key = item.end()
    # The last choice goes on while lines are indented deeper than its dash;
    # blank lines and comments after it belong to whatever follows.
    end = start
    for k in range(start, len(lines)):
        stripped = lines[k].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[k]) - len(lines[k].lstrip(" ")) > dash:
            end = k + 1
        else:
            break
    if not lines[end - 1].endswith(("\n", "\r")):
        lines[end - 1] += newline
    added = [line + newline for line in _choice_lines(dash, key, link, new_id)]
    new_text = "".join(lines[:end] + added + lines[end:])
    # Safe only if the result means exactly the old data plus the new choice.
    expected = copy.deepcopy(doc.data)
    expected["scenes"][index]["choices"].append(
        {"id": link, "text": "Go to the new scene (write this choice's text)", "next": new_id}
    )
    check = parse_text(new_text, str(path))
    if check.diagnostics or check.data != expected:
        return None
    return new_text
