"""The set-up script proves a machine has what the tests need, or fails loudly naming it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-deps.sh"


def _path_without_apt(folder: Path) -> str:
    """A PATH with every program of this machine but apt-get: a machine it cannot install on."""
    folder.mkdir()
    for directory in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        if not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            link = folder / program.name
            if program.name.startswith("apt") or link.exists():
                continue
            link.symlink_to(program)
    return str(folder)


def test_in_ci_a_missing_package_it_cannot_install_fails_the_set_up(tmp_path):
    env = {**os.environ, "PATH": _path_without_apt(tmp_path / "bin"), "CI": "true"}
    done = subprocess.run(
        ["bash", str(SCRIPT), "deckcast-no-such-package"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "please install: " in done.stderr and "deckcast-no-such-package" in done.stderr


@pytest.mark.skipif(
    subprocess.run(["bash", str(SCRIPT)], capture_output=True, timeout=120).returncode != 0,
    reason="this machine is not set up (make system)",
)
def test_a_set_up_machine_passes_every_probe(tmp_path):
    env = {**os.environ, "PATH": _path_without_apt(tmp_path / "bin"), "CI": "true"}
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr  # nothing to install: every probe passed
