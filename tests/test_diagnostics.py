"""Every diagnostic code, placed: one broken pack per code, and the contract of `check`.

Each folder under ``tests/packs/broken/`` is a copy of the mini pack with exactly
one fault (``multi-several-errors`` has several on purpose).  The table below
says which code that fault must produce, in which file and on which line; the
same row is then checked through ``summit-game check``.  Faults that cannot be
committed as files (pipes, devices, links out of the pack, huge files, alias
bombs, very deep nesting) are built in ``tests/test_hostile.py``.

Tests marked ``xfail(strict=True)`` pin loader bugs that are reported to the
lead; each reason names the function at fault.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from summit_game import conditions, loader, yamlread
from summit_game.cli import main
from summit_game.diagnostics import CODES, Severity, sort_key
from summit_game.loader import load_pack
from summit_game.yamlread import parse_text

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "packs" / "broken"
MINI = ROOT / "tests" / "packs" / "mini"
DOCS = ROOT / "docs" / "diagnostics.md"
HOSTILE = Path(__file__).with_name("test_hostile.py")

US = "scenes/us.yaml"
DPRK = "scenes/dprk.yaml"
SCENARIO = "scenario.yaml"
PACK = "."  # a diagnostic about the whole pack is placed at the pack folder

#: Codes whose fault cannot be committed as a file: the test in test_hostile.py
#: that covers each one.
HOSTILE_ONLY = {
    "SG002": "test_huge_file_is_refused_unread",
    "SG003": "test_link_to_a_file_outside_is_not_read",
}

_ROLE_START_LINE = (
    "loader._Loader.cross_check reports an unknown role `start` scene at line 0 of "
    "scenario.yaml; it should use the scenario doc's line of ('roles', rid, 'start')"
)
_NO_SG035 = (
    "SG035 is never emitted: loader._Loader.condition reports a flag no choice sets "
    "as SG041 (UnknownNameError), so the catalogue's SG035 is dead"
)

#: (pack folder, expected code, file inside the pack, expected line)
CASES = [
    ("SG001-folder-not-file", "SG001", SCENARIO, 0),
    ("SG004-not-utf8", "SG004", US, 30),
    ("SG005-control-character", "SG005", US, 46),
    ("SG006-tab-indent", "SG006", US, 29),
    ("SG007-unclosed-quote", "SG007", US, 29),
    ("SG008-duplicate-key", "SG008", US, 47),
    ("SG009-yaml-tag", "SG009", US, 6),
    ("SG010-too-deep", "SG010", US, 21),
    ("SG011-empty-file", "SG011", "scenes/draft.yaml", 1),
    ("SG011-comment-only", "SG011", "scenes/draft.yaml", 1),
    ("SG012-not-a-mapping", "SG012", "scenes/notes.yaml", 1),
    ("SG013-no-scenario", "SG013", SCENARIO, 0),
    ("SG013-no-scenes-folder", "SG013", "scenes", 0),
    ("SG020-unknown-key", "SG020", US, 16),
    ("SG020-unknown-key-in-scenario", "SG020", SCENARIO, 3),
    ("SG021-missing-key", "SG021", US, 51),
    ("SG022-yes-no-boolean", "SG022", US, 19),
    ("SG023-invalid-id", "SG023", US, 36),
    ("SG024-impossible-date", "SG024", US, 43),
    ("SG025-date-out-of-span", "SG025", US, 43),
    ("SG026-meter-start-out-of-bounds", "SG026", SCENARIO, 23),
    ("SG030-duplicate-id-across-files", "SG030", US, 60),
    ("SG031-unknown-scene", "SG031", US, 35),
    ("SG031-unknown-start-scene", "SG031", SCENARIO, 12),
    ("SG032-unknown-role", "SG032", US, 42),
    ("SG033-unknown-meter", "SG033", US, 39),
    ("SG034-unknown-source", "SG034", US, 9),
    ("SG035-flag-never-set", "SG035", US, 38),
    ("SG040-condition-syntax", "SG040", US, 23),
    ("SG041-condition-unknown-name", "SG041", US, 23),
    ("SG042-bad-next-list", "SG042", US, 25),
    ("SG050-unreachable-scene", "SG050", US, 51),
    ("SG051-dead-end", "SG051", US, 41),
    ("SG051-choice-without-next", "SG051", US, 48),
    ("SG052-loop", "SG052", US, 41),
    ("SG053-ending-with-choices", "SG053", US, 60),
    ("SG060-two-historical-choices", "SG060", US, 2),
    ("SG061-record-out-of-order", "SG061", SCENARIO, 28),
    ("SG062-scene-dated-before-its-cause", "SG062", US, 18),
    ("SG099-checks-skipped", "SG099", PACK, 0),
]


def _row(case: object) -> tuple[str, str, str, int]:
    values = case.values if hasattr(case, "values") else case
    return tuple(values)  # type: ignore[return-value]


def _expected_exit(code: str) -> int:
    # SG099 is a warning, but it is only ever issued because of an error.
    if code == "SG099":
        return 1
    return 0 if CODES[code][0] is Severity.WARNING else 1


def _where(pack: str, file: str, line: int) -> str:
    path = str(BROKEN / pack / file)
    return f"{path}:{line}" if line else path


def _shown(diags: list) -> list[str]:
    return [d.format() for d in diags]


@pytest.mark.parametrize(("pack", "code", "file", "line"), CASES)
def test_load_pack_places_the_fault(pack: str, code: str, file: str, line: int) -> None:
    result = load_pack(BROKEN / pack)
    hits = [
        d
        for d in result.diagnostics
        if d.code == code and Path(d.file) == BROKEN / pack / file and d.line == line
    ]
    assert hits, _shown(result.diagnostics)
    if CODES[code][0] is Severity.ERROR or code == "SG099":
        assert result.pack is None
    else:
        assert result.pack is not None, _shown(result.diagnostics)
        assert not result.errors


@pytest.mark.parametrize(("pack", "code", "file", "line"), CASES)
def test_check_prints_the_fault(
    pack: str, code: str, file: str, line: int, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["check", str(BROKEN / pack)])
    out, err = capsys.readouterr()
    prefix = f"{_where(pack, file, line)}: {code} "
    assert any(ln.startswith(prefix) for ln in err.splitlines()), err
    assert "Traceback" not in err + out
    assert rc == _expected_exit(code), err


_CASCADE = (
    "cascade: when a scenes file fails to parse or validate, loader._Loader.run drops "
    "every scene in it, so cross_check reports each role `start` there as SG031 "
    "'unknown scene' (fix: remember the ids of scenes in files that failed, or validate "
    "scene by scene, and skip references to them)"
)
_CASCADE_NO_SCENES = (
    "cascade: with no scenes/ folder (SG013) loader._Loader.cross_check still reports "
    "every role `start` as SG031 'unknown scene'"
)
_TYPO_TWICE = (
    "a typo of a required key ('titel') gives SG020 and SG021 for one fault; "
    "loader._schema_diagnostics should fold the missing key into the unknown key's "
    "'did you mean' when they match"
)
_ONE_FAULT_XFAIL: dict[str, str] = {}


def _one_fault_cases() -> list[object]:
    out: list[object] = []
    for case in CASES:
        pack, code, _, _ = _row(case)
        if code == "SG099":
            continue  # its one fault is an SG032; SG099 is the announcement
        reason = _ONE_FAULT_XFAIL.get(pack)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(pack, code, id=pack, marks=marks))
    return out


@pytest.mark.parametrize(("pack", "code"), _one_fault_cases())
def test_one_fault_gives_one_error(pack: str, code: str) -> None:
    """No follow-on errors: a pack with one fault reports that fault and nothing else."""
    result = load_pack(BROKEN / pack)
    errors = {d.code for d in result.errors}
    expected = {code} if CODES[code][0] is Severity.ERROR else set()
    assert errors == expected, _shown(result.diagnostics)
    assert len(result.errors) == len(expected), _shown(result.diagnostics)


_NO_HINT: dict[str, str] = {}


@pytest.mark.parametrize(
    "pack",
    [
        pytest.param(
            p,
            marks=[pytest.mark.xfail(strict=True, reason=_NO_HINT[p])] if p in _NO_HINT else [],
        )
        for p in dict.fromkeys(_row(c)[0] for c in CASES)
    ],
)
def test_every_diagnostic_has_a_hint(pack: str) -> None:
    """content-format.md: each problem is reported with file, line, and a hint to fix it."""
    diags = load_pack(BROKEN / pack).diagnostics
    assert diags
    assert all(d.message and d.hint for d in diags), _shown(diags)


def test_every_code_has_a_broken_pack() -> None:
    covered = {_row(c)[1] for c in CASES} | set(HOSTILE_ONLY)
    assert covered == set(CODES)
    hostile = HOSTILE.read_text(encoding="utf-8")
    for code, test in HOSTILE_ONLY.items():
        assert f"def {test}(" in hostile, code


def test_every_broken_pack_is_in_the_table() -> None:
    folders = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    used = {_row(c)[0] for c in CASES} | {"multi-several-errors"}
    assert folders == used
    for name in folders - {"multi-several-errors"}:
        assert name[:5] in CODES, name


# --------------------------------------------------------------------- several errors


def test_several_errors_all_reported_root_causes_first() -> None:
    pack = BROKEN / "multi-several-errors"
    result = load_pack(pack)
    codes = [d.code for d in result.diagnostics]
    # No SG031 for the DPRK file's link to a missing scene: draft.yaml cannot be
    # read, and the scene may be in it, so "unknown scene" would be a guess.
    assert codes == ["SG008", "SG006", "SG033", "SG040", "SG099"], _shown(result.diagnostics)
    assert result.diagnostics == sorted(result.diagnostics, key=sort_key)
    families = [int(c[2:]) // 10 for c in codes]
    assert families == sorted(families)
    # The loop (us-crisis -> us-crisis) is not reported: graph checks were skipped.
    assert "SG052" not in codes
    lines = {
        d.code: (Path(d.file).relative_to(pack).as_posix(), d.line) for d in result.diagnostics
    }
    assert lines["SG008"] == (SCENARIO, 4)
    assert lines["SG006"] == ("scenes/draft.yaml", 2)
    assert lines["SG033"] == (US, 39)
    assert lines["SG040"] == (US, 23)
    assert lines["SG099"] == (".", 0)


def test_graph_checks_run_when_there_is_no_error() -> None:
    result = load_pack(BROKEN / "SG052-loop")
    assert [d.code for d in result.diagnostics] == ["SG052"]


def _scene(sid: str, date: str, goto: str) -> str:
    return (
        f"  - id: {sid}\n    role: us\n    date: {date}\n    title: {sid}\n"
        f"    counterfactual: true\n    text: On.\n    choices:\n"
        f"      - id: {sid}-go\n        text: Go on\n        next: {goto}\n"
    )


def test_a_loop_is_named_once_without_the_scenes_leading_into_it(tmp_path: Path) -> None:
    """Refuse leads through two scenes into a loop of two: one SG052, the loop's scenes only."""
    pack = tmp_path / "p"
    shutil.copytree(BROKEN / "SG052-loop", pack)
    us = pack / US
    text = us.read_text(encoding="utf-8").replace("goto: us-crisis", "goto: us-lead")
    text = text.replace("        next: us-crisis\n", "        next: us-crisis2\n")
    text += _scene("us-lead", "2018-06-28", "us-lead2")
    text += _scene("us-lead2", "2018-06-29", "us-crisis")
    text += _scene("us-crisis2", "2018-07-02", "us-crisis")
    us.write_text(text, encoding="utf-8")
    result = load_pack(pack)
    loops = [d for d in result.diagnostics if d.code == "SG052"]
    assert len(loops) == 1, _shown(result.diagnostics)
    assert "scenes us-crisis, us-crisis2 form a loop" in loops[0].message
    assert loops[0].line == 41  # us-crisis, the loop's first scene in the file


def test_a_long_chain_into_a_loop_is_checked_without_recursion(tmp_path: Path) -> None:
    """5,000 scenes in a row before the loop: found, and no RecursionError."""
    pack = tmp_path / "p"
    shutil.copytree(BROKEN / "SG052-loop", pack)
    us = pack / US
    text = us.read_text(encoding="utf-8").replace("goto: us-crisis", "goto: us-chain-0")
    n = 5000
    text += "".join(
        _scene(f"us-chain-{i}", "2018-06-30", f"us-chain-{i + 1}" if i + 1 < n else "us-crisis")
        for i in range(n)
    )
    us.write_text(text, encoding="utf-8")
    result = load_pack(pack)
    assert [d.code for d in result.diagnostics if d.code == "SG052"] == ["SG052"]
    assert "scenes us-crisis form a loop" in result.diagnostics[0].message


def test_skipped_checks_are_announced_when_the_scenario_is_invalid() -> None:
    result = load_pack(BROKEN / "SG020-unknown-key-in-scenario")
    assert "SG099" in {d.code for d in result.diagnostics}, _shown(result.diagnostics)


def test_scene_dated_before_its_cause_points_at_the_choice() -> None:
    result = load_pack(BROKEN / "SG062-scene-dated-before-its-cause")
    [d] = [d for d in result.diagnostics if d.code == "SG062"]
    assert d.line == 18  # `- id: refuse`


# --------------------------------------------------------------------- messages


def test_duplicate_key_names_both_lines() -> None:
    result = load_pack(BROKEN / "SG008-duplicate-key")
    [d] = [d for d in result.diagnostics if d.code == "SG008"]
    assert d.line == 47
    assert "'text'" in d.message and "line 45" in d.message


def test_unknown_key_suggests_the_nearest() -> None:
    result = load_pack(BROKEN / "SG020-unknown-key")
    [d] = [d for d in result.diagnostics if d.code == "SG020"]
    assert "'feedbak'" in d.message
    assert d.hint == "did you mean 'feedback'?"


def test_yes_no_boolean_hint_says_quote_it() -> None:
    result = load_pack(BROKEN / "SG022-yes-no-boolean")
    [d] = [d for d in result.diagnostics if d.code == "SG022"]
    assert "yes/no" in d.message
    assert d.hint is not None and "quote" in d.hint


def test_unknown_references_suggest_the_nearest() -> None:
    for pack, near in [
        ("SG031-unknown-scene", "us-end-history"),
        ("SG032-unknown-role", "us"),
        ("SG033-unknown-meter", "trust"),
        ("SG034-unknown-source", "book"),
    ]:
        [d] = [d for d in load_pack(BROKEN / pack).errors]
        assert d.hint == f"did you mean {near!r}?", d.format()


def test_condition_errors_name_the_token_and_column() -> None:
    [d] = load_pack(BROKEN / "SG040-condition-syntax").errors
    assert "column 10" in d.message and "'tension >> 55'" in d.message
    [d] = load_pack(BROKEN / "SG041-condition-unknown-name").errors
    assert "`tensoin`" in d.message and d.hint == "did you mean `tension`?"


def test_duplicate_id_names_the_other_place() -> None:
    [d] = load_pack(BROKEN / "SG030-duplicate-id-across-files").errors
    assert f"{BROKEN / 'SG030-duplicate-id-across-files' / DPRK}:21" in d.message


def test_glossary_missing_key_names_the_term(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    shutil.copytree(MINI, pack)
    (pack / "glossary.yaml").write_text("freeze:\n  sources: []\n")
    result = load_pack(pack)
    [d] = [d for d in result.diagnostics if d.code == "SG021"]
    assert "freeze" in d.message, d.format()
    # A misspelt required key is one problem, not two.
    (pack / "glossary.yaml").write_text("freeze:\n  defintion: A halt to testing.\n")
    [d] = load_pack(pack).errors
    assert d.code == "SG020" and "'definition'" in (d.hint or ""), d.format()


# --------------------------------------------------------------------- YAML traps

#: (id, text, code, line, a fragment of the message or hint)
YAML_CASES = [
    ("tab", "a: 1\n\tb: 2\n", "SG006", 2, "tab"),
    ("tab-in-block-text", "a: |\n  x\n  \ty\n", "SG006", 3, "spaces"),
    ("single-quote-open", "a: 1\nb: 'open\nc: 2\n", "SG007", 2, "never closed"),
    ("double-quote-open", 'a: 1\nb: "open\nc: 2\n', "SG007", 2, "never closed"),
    ("crlf-quote-open", "a: 1\r\nb: 'x\r\nc: 2\r\n", "SG007", 2, "never closed"),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", "SG007", 3, "YAML syntax error"),
    ("colon-in-text", "text: Note: this\n", "SG007", 1, "quoted"),
    ("at-sign", "a: @home\n", "SG007", 1, "special character"),
    ("undefined-alias", "a: *nope\n", "SG007", 1, "anchor"),
    ("two-documents", "a: 1\n---\nb: 2\n", "SG007", 2, "second YAML document"),
    ("duplicate-nested", "a:\n  b: 1\n  c: 2\n  b: 3\n", "SG008", 4, "first at line 2"),
    ("duplicate-flow", "a: {b: 1, b: 2}\n", "SG008", 1, "duplicate key 'b'"),
    ("python-object", "a: 1\nb: !!python/object:os.system {}\n", "SG009", 2, "python/object"),
    ("python-name", "a: !!python/name:os.system\n", "SG009", 1, "python/name"),
    ("local-tag", "a: !custom x\n", "SG009", 1, "!custom"),
    ("binary-tag", "a: !!binary aGVsbG8=\n", "SG009", 1, "binary"),
    ("set-tag", "a: !!set {x, y}\n", "SG009", 1, "set"),
    ("empty", "", "SG011", 1, "empty"),
    ("comments-only", "# a: 1\n# b: 2\n", "SG011", 1, "comments"),
    ("boolean-key", "a: 1\nyes: 2\n", "SG022", 2, "quote"),
    ("null-key", "~: 1\n", "SG022", 1, "not text"),
    ("list-key", "? [a]\n: b\n", "SG022", 1, "used as a key"),
    ("impossible-date", "a: 1\nb: 2019-02-29\n", "SG024", 2, "2019-02-29"),
    ("month-13", "b: 2018-13-01\n", "SG024", 1, "real date"),
    ("bad-int-tag", "a: !!int abc\n", "SG022", 1, "number"),
    ("nul", "a: 1\nb: x\x00y\n", "SG005", 2, "\\x00"),
    ("escape", "a: 1\nb: \x1b[2J\n", "SG005", 2, "\\x1b"),
    ("delete-char", "a: x\x7f\n", "SG005", 1, "\\x7f"),
    ("bom-inside", "a: x\ufeffy\n", "SG005", 1, "ufeff"),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "fragment"),
    [pytest.param(*c[1:], id=c[0]) for c in YAML_CASES],
)
def test_yaml_traps_are_placed(text: str, code: str, line: int, fragment: str) -> None:
    doc = parse_text(text, "f.yaml")
    assert [(d.code, d.line) for d in doc.diagnostics] == [(code, line)], _shown(doc.diagnostics)
    [d] = doc.diagnostics
    assert fragment in d.format()


def test_a_bom_at_the_start_is_fine(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    shutil.copytree(MINI, pack)
    us = pack / US
    us.write_bytes(b"\xef\xbb\xbf" + us.read_bytes())
    assert not load_pack(pack).diagnostics


def test_missing_colon_points_at_the_key_line() -> None:
    [d] = parse_text("a: 1\nb\nc: 2\n", "f.yaml").diagnostics
    assert (d.code, d.line) == ("SG007", 2)


def test_merge_key_is_one_error() -> None:
    doc = parse_text("base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml")
    assert [(d.code, d.line) for d in doc.diagnostics] == [("SG022", 3)]


def test_escaped_control_character_is_reported() -> None:
    doc = parse_text('a: 1\nb: "Things went \\e[2J wrong"\n', "f.yaml")
    assert [(d.code, d.line) for d in doc.diagnostics] == [("SG005", 2)]


def test_c1_control_character_is_reported() -> None:
    doc = parse_text("a: 1\nb: x\u009b31my\n", "f.yaml")
    assert [(d.code, d.line) for d in doc.diagnostics] == [("SG005", 2)]


def test_nan_effect_is_an_error(tmp_path: Path) -> None:
    pack = tmp_path / "p"
    shutil.copytree(MINI, pack)
    us = pack / US
    us.write_text(us.read_text().replace("effects: {trust: -30}", "effects: {trust: .nan}"))
    result = load_pack(pack)
    assert {(d.code, d.line) for d in result.errors} & {("SG022", 39), ("SG026", 39)}


def test_messages_stay_short() -> None:
    [d] = parse_text("a: " + "9" * 5000 + "\n", "f.yaml").diagnostics
    assert d.code == "SG022"
    assert len(d.format()) < 300


# --------------------------------------------------------------------- the command


def test_clean_pack_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MINI)]) == 0
    err = capsys.readouterr().err
    assert "SG0" not in err and ": ok (" in err


def test_check_json_has_stable_keys(capsys: pytest.CaptureFixture[str]) -> None:
    pack = str(BROKEN / "multi-several-errors")
    assert main(["check", "--format", "json", pack]) == 1
    first = capsys.readouterr().out
    assert main(["check", "--format", "json", pack]) == 1
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert list(data) == ["ok", "diagnostics"]
    assert data["ok"] is False
    assert data["diagnostics"]
    for d in data["diagnostics"]:
        assert list(d) == ["code", "severity", "file", "line", "message", "hint"]
        assert d["code"] in CODES
        assert d["severity"] == CODES[d["code"]][0].value
        assert isinstance(d["line"], int) and isinstance(d["message"], str)


def test_check_json_clean_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(MINI)]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "diagnostics": []}


def test_strict_turns_a_warning_into_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    pack = str(BROKEN / "SG060-two-historical-choices")
    assert main(["check", pack]) == 0
    assert "SG060 warning:" in capsys.readouterr().err
    assert main(["check", "--strict", pack]) == 1
    assert "SG060 warning:" in capsys.readouterr().err


def test_strict_verdict_matches_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict", str(BROKEN / "SG060-two-historical-choices")]) == 1
    assert "FAILED" in capsys.readouterr().err


def test_check_missing_folder_is_sg013(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-pack"
    assert main(["check", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"{missing}: SG013 " in err


def test_check_a_file_instead_of_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "scenario.yaml"
    f.write_text("format: 1\n")
    assert main(["check", str(f)]) == 1
    assert f"{f}: SG013 " in capsys.readouterr().err


def test_check_several_packs_fails_if_any_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MINI), str(BROKEN / "SG031-unknown-scene")]) == 1
    err = capsys.readouterr().err
    assert "SG031" in err and f"{MINI}: ok" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--bogus", str(MINI)],
        ["check", "--format", "xml", str(MINI)],
        ["check", "--strict=yes", str(MINI)],
    ],
)
def test_misused_check_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.strip()


# --------------------------------------------------------------------- the docs

_HEADING = re.compile(r"^## (SG\d{3})\b(.*)$", re.MULTILINE)


def test_every_code_has_exactly_one_section_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    found = _HEADING.findall(text)
    codes = [c for c, _ in found]
    assert sorted(codes) == sorted(CODES), "docs/diagnostics.md and CODES differ"
    assert len(codes) == len(set(codes)), "a code has two sections"
    assert codes == list(CODES), "sections should follow the catalogue's order"
    for code, title in found:
        assert title.strip() == CODES[code][1], code


def test_every_section_has_meaning_example_message_and_fix() -> None:
    text = DOCS.read_text(encoding="utf-8")
    parts = _HEADING.split(text)[1:]
    for i in range(0, len(parts), 3):
        code, body = parts[i], parts[i + 2]
        assert "```yaml" in body or "```text" in body, code
        assert code in body, f"{code}: the example message should show the code"
        assert "**Fix" in body, code


def test_the_docs_state_the_limits() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for value in [
        f"{yamlread.MAX_FILE_BYTES:,}",
        f"{yamlread.MAX_NODES:,}",
        str(yamlread.MAX_DEPTH),
        f"{loader.MAX_FILES:,}",
        str(conditions.MAX_LENGTH),
        str(conditions.MAX_DEPTH),
        str(conditions.MAX_DIGITS),
    ]:
        assert value in text, value
