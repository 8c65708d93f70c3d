"""`scripts/env.sh`'s `ensure_venv`: pip (and so a package index) runs only when pyproject.toml
changed or the extras asked for were not installed; a shim venv records every pip call."""

import subprocess
from pathlib import Path

ENV_SH = Path(__file__).resolve().parents[2] / "scripts" / "env.sh"
SHIM = '#!/bin/sh\necho "$@" >> "$(dirname "$0")/../calls.log"\n'


def _ensure(project: Path, extras: str) -> list[str]:
    """Run `ensure_venv extras` in `project`; the pip calls it made."""
    venv = project / "venv"
    log = venv / "calls.log"
    log.unlink(missing_ok=True)
    subprocess.run(
        ["bash", "-c", f'. "{ENV_SH}"; ensure_venv "$1"', "ensure", extras],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "SECTORWIJZER_VENV": str(venv)},
        check=True,
    )
    return log.read_text().splitlines() if log.exists() else []


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(SHIM)
    python.chmod(0o755)
    return tmp_path


def test_a_second_start_runs_no_pip(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _ensure(project, "")
    assert first[-1] == "-m pip install -q -e ."
    assert _ensure(project, "") == []


def test_serve_after_test_installs_nothing_and_test_after_serve_adds_the_extras(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    assert _ensure(project, "")[-1] == "-m pip install -q -e ."
    assert _ensure(project, "[dev]")[-1] == "-m pip install -q -e .[dev]"
    assert _ensure(project, "") == []  # the dev install holds everything serve needs
    assert _ensure(project, "[dev]") == []


def test_a_changed_pyproject_installs_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _ensure(project, "[dev]")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n')
    assert _ensure(project, "")[-1] == "-m pip install -q -e ."
