"""load_study and load_person with damaged inputs (issue 12): one participant's bad files never stop a study."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import runwell
from runwell.errors import InputError
from runwell.sample import sample_path


def test_a_study_with_a_broken_participant_still_loads(tmp_path: Path) -> None:
    """load_study reports a participant whose files cannot be read and loads the others."""
    study = tmp_path / "study"
    for pid in ("sim002", "sim006"):
        shutil.copytree(sample_path("cohort", pid), study / pid)
    (study / "sim006" / "mood.csv").write_bytes(b"pid,timestamp,mood\n" + b"[" * 10 + b"," + b"x" * 200_000 + b"\n")
    (study / "sim006" / "activities.zip").write_bytes(b"PK\x03\x04 damaged")
    inputs = runwell.load_study(study, tz="Europe/Berlin")
    assert inputs.participants == ["sim002"]
    errors = inputs.report[inputs.report["kind"] == "error"]
    assert errors["reason"].str.contains("participant sim006 could not be loaded").any()


def test_load_person_names_the_file_it_cannot_read(tmp_path: Path) -> None:
    person = tmp_path / "p"
    shutil.copytree(sample_path("cohort", "sim002"), person)
    (person / "mood.csv").write_bytes(b"timestamp,mood\n" + b"\xff\xfe" * 10)
    with pytest.raises(InputError, match="mood.csv"):
        runwell.load_person(person / "activities.zip", person / "mood.csv", tz="Europe/Berlin")
