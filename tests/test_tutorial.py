"""docs/authoring.md, followed literally: its tutorial steps and its catalogue of mistakes.

The tutorial marks each step with an HTML comment (invisible when the page is
rendered) just before the code block it belongs to:

* ``<!-- tutorial-step run [stdin="..."] [expect="..."] -->``: a ``sh`` block whose
  lines are ``summit-game`` commands; each must exit 0, reading ``stdin`` and
  printing every ``expect`` text;
* ``<!-- tutorial-step write file="PATH" -->``: a ``yaml`` block that becomes the
  whole of the file;
* ``<!-- tutorial-step replace file="PATH" -->``: two blocks, the text to find and
  what to put in its place.

``<!-- mistake file="..." old="..." new="..." -->`` marks a common mistake: made
in a fresh tutorial pack, it must make ``check`` print the line in the block
that follows.  Attribute values use ``\\n`` and ``\\t`` for newlines and tabs.
"""

from __future__ import annotations

import io
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from summit_game import model
from summit_game.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
_MARK = re.compile(r"<!--\s*(tutorial-step|mistake)\b(.*?)-->", re.S)
_ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_BLOCK = re.compile(r"```[a-z]*\n(.*?)```", re.S)


@dataclass
class Step:
    kind: str
    action: str
    attrs: list[tuple[str, str]]
    blocks: list[str]

    def attr(self, name: str) -> str | None:
        return next((v for k, v in self.attrs if k == name), None)

    def attr_all(self, name: str) -> list[str]:
        return [v for k, v in self.attrs if k == name]


def _unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"')


def steps(kind: str) -> list[Step]:
    """The marked steps of the doc, each with the code blocks that follow it."""
    text = DOC.read_text(encoding="utf-8")
    marks = list(_MARK.finditer(text))
    out = []
    for i, m in enumerate(marks):
        if m.group(1) != kind:
            continue
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        words = m.group(2).strip().split(None, 1)
        action = words[0] if kind == "tutorial-step" and words else ""
        attrs = [(k, _unescape(v)) for k, v in _ATTR.findall(m.group(2))]
        blocks = _BLOCK.findall(text, m.end(), end)
        out.append(Step(kind, action, attrs, blocks))
    return out


def run(args: list[str], stdin: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(args)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def classroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder standing for the Summit checkout, with saves kept inside it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SUMMIT_SAVES", str(tmp_path / "saves"))
    return tmp_path


def test_the_doc_marks_a_whole_tutorial() -> None:
    found = steps("tutorial-step")
    assert [s.action for s in found].count("run") >= 4
    assert {"run", "write", "replace"} <= {s.action for s in found}
    for s in found:
        assert s.blocks, f"step {s.action} {s.attrs} has no code block"


def test_following_the_tutorial_literally_plays_the_new_scene(
    classroom: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last_play = ""
    for step in steps("tutorial-step"):
        if step.action == "run":
            for line in step.blocks[0].splitlines():
                if not line.strip():
                    continue
                words = shlex.split(line)
                assert words[0] == "summit-game", line
                code, out, err = run(words[1:], step.attr("stdin") or "", capsys)
                assert code == 0, f"{line}\n{out}\n{err}"
                assert "Traceback" not in err
                for expected in step.attr_all("expect"):
                    assert expected in out, f"{line}: {expected!r} not in\n{out}"
                if words[1] == "play":
                    last_play = out
        elif step.action == "write":
            path = classroom / str(step.attr("file"))
            assert path.exists(), f"the tutorial writes over {path}, which a step made"
            path.write_text(step.blocks[0], encoding="utf-8")
        elif step.action == "replace":
            path = classroom / str(step.attr("file"))
            old, new = step.blocks[0], step.blocks[1]
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, f"{old!r} is not once in {path}"
            path.write_text(text.replace(old, new), encoding="utf-8")
        else:
            pytest.fail(f"unknown tutorial step {step.action!r}")
    # The last play went through the teacher's scene to an ending.
    assert "== A secret letter ==" in last_play
    assert "Pyongyang answers within a week." in last_play
    assert "== The end for" in last_play


MISTAKES = steps("mistake")


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.blocks[0][:60] for m in MISTAKES])
def test_each_common_mistake_prints_the_documented_message(
    mistake: Step, classroom: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "pack", "my-class"]) == 0
    path = classroom / "content" / "my-class" / str(mistake.attr("file"))
    old, new = str(mistake.attr("old")), str(mistake.attr("new"))
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    capsys.readouterr()
    code, _, err = run(["check", "content/my-class"], "", capsys)
    assert code == 1
    assert mistake.blocks[0].strip() in err.splitlines(), err


def _keys(cls: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def test_every_key_of_the_format_is_in_the_reference() -> None:
    text = DOC.read_text(encoding="utf-8")
    classes = [
        obj
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == model.__name__
    ]
    assert len(classes) > 8
    missing = sorted(
        {f"{cls.__name__}.{key}" for cls in classes for key in _keys(cls) if f"`{key}`" not in text}
    )
    assert not missing, f"keys not documented in docs/authoring.md: {missing}"


def test_the_divergence_link_points_at_the_readme_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "../README.md#how-the-meters-and-divergence-work" in text
    assert "## How the meters and divergence work" in readme
