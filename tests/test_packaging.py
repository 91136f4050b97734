"""The package: one import name, every folder shipped, package data found without the checkout."""
import tomllib
from pathlib import Path

import pytest

from backprop_lab.engine import datasets
from backprop_lab.gui.model.lessons import find_lesson, lesson_files, list_lessons, load_lesson

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
MAPPING = {"engine": "backprop_lab.engine", "gui": "backprop_lab.gui",
           "resources": "backprop_lab.resources"}


def test_every_folder_of_the_package_is_shipped():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in MAPPING.items():
        for folder in [ROOT / top, *(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            if folder.name == "__pycache__":
                continue
            rel = folder.relative_to(ROOT / top).parts
            found.add(".".join((name, *rel)))
    assert found == listed, f"missing from pyproject: {found - listed}; stale: {listed - found}"


def test_the_package_dir_mapping_matches_the_folders():
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {v: k for k, v in MAPPING.items()}


def test_shipped_data_is_declared_as_package_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert "*.json" in data["backprop_lab.resources.lessons"]
    assert "*.gz" in data["backprop_lab.resources.datasets"]


def test_lessons_and_digits_are_read_as_package_data():
    files = lesson_files()
    assert len(files) == len(list((ROOT / "resources" / "lessons").glob("*.json")))
    assert len(list_lessons()) == len(files)
    assert datasets.load("digits").n_inputs == 64


@pytest.mark.parametrize("spec", ["1", "01", "01-xor-one-line", "01-xor-one-line.json"])
def test_a_lesson_is_found_by_number_or_name(spec):
    assert load_lesson(find_lesson(spec)).title == list_lessons()[0].title


def test_a_lesson_is_found_by_path(tmp_path):
    path = tmp_path / "mine.json"
    path.write_bytes(lesson_files()[0].read_bytes())
    assert find_lesson(str(path)) == path


def test_an_unknown_lesson_names_the_choices():
    with pytest.raises(ValueError, match=r"no lesson '99'.*1, 2, 3"):
        find_lesson("99")
