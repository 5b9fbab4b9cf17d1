"""``deckcast models`` and ``deckcast render --images diffusers`` driven as a person would:
a subprocess, its exit code and output; downloads come from a local fake Hugging Face hub."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.probe import probe

from .fakes.hf_hub import COMMIT, FakeHub

EXAMPLE = Path(__file__).parent.parent / "examples" / "photosynthesis.md"


def deckcast(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "deckcast"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DECKCAST_", "HF_", "TRANSFORMERS_"))
    }
    base |= {"COLUMNS": "120", "NO_COLOR": "1", "HF_HOME": str(cwd / "hf-home")}
    base |= {"DECKCAST_CACHE_DIR": str(cwd / "cache"), "DECKCAST_HF_CACHE_DIR": str(cwd / "hub")}
    return subprocess.run(
        [*command, *args], cwd=cwd, env=base | env, capture_output=True, text=True, timeout=300
    )


def in_cache(folder: Path, cache: Path, repo_id: str) -> None:
    base = cache / ("models--" + repo_id.replace("/", "--"))
    shutil.copytree(folder, base / "snapshots" / COMMIT)
    (base / "refs").mkdir(parents=True)
    (base / "refs" / "main").write_text(COMMIT)


def test_models_list_shows_presets_and_what_is_here(tiny_sd, tmp_path):
    in_cache(tiny_sd, tmp_path / "hub", "stabilityai/sd-turbo")
    in_cache(tiny_sd, tmp_path / "hub", "someone/tiny-sd")
    result = deckcast("models", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    turbo = next(line for line in lines if line.strip().startswith("sd-turbo "))
    assert "here (" in turbo and "1 step, guidance 0" in turbo and "stabilityai/sd-turbo" in turbo
    flux = next(line for line in lines if line.strip().startswith("flux-schnell"))
    assert "not here (34 GB)" in flux and "4 steps" in flux and "1024 px" in flux
    assert any("someone/tiny-sd  StableDiffusionPipeline" in line for line in lines)
    assert f"configured model: sd-turbo -> {tmp_path / 'hub'}" in result.stdout


def test_render_with_a_missing_model_is_one_clear_line(tmp_path):
    # Without the diffusion extra the error is about installing it, not about the model.
    pytest.importorskip("diffusers", reason="needs deckcast[diffusion] (make venv installs it)")
    result = deckcast(
        "render", str(EXAMPLE), "-o", str(tmp_path / "v.mp4"), "--images", "diffusers",
        cwd=tmp_path, DECKCAST_IMAGE_MODEL="sdxl-turbo",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = " ".join(result.stderr.split())
    assert "error: the model stabilityai/sdxl-turbo is not on this machine" in message
    assert "deckcast models pull sdxl-turbo" in message
    assert not (tmp_path / "v.mp4").exists()


@pytest.mark.slow
def test_pull_then_render_with_the_pulled_model(tiny_sd, tmp_path):
    with FakeHub({"deckcast/tiny-sd": tiny_sd}, gated=("deckcast/gated",)) as hub:
        pulled = deckcast(
            "models", "pull", "deckcast/tiny-sd", cwd=tmp_path, HF_ENDPOINT=hub.endpoint
        )
        gated = deckcast("models", "pull", "deckcast/gated", cwd=tmp_path, HF_ENDPOINT=hub.endpoint)
        unknown = deckcast(
            "models", "pull", "deckcast/nope", cwd=tmp_path, HF_ENDPOINT=hub.endpoint
        )
        fetched = [p for p in hub.paths if p.startswith("GET /deckcast/tiny-sd/resolve/")]
    assert pulled.returncode == 0, pulled.stderr
    assert "✓ deckcast/tiny-sd: 10 files" in pulled.stdout
    assert "DECKCAST_IMAGE_MODEL=deckcast/tiny-sd" in pulled.stdout
    assert len(fetched) == 10
    assert gated.returncode == 1 and "deckcast/gated is gated" in gated.stderr
    assert unknown.returncode == 1 and "has no model deckcast/nope" in unknown.stderr

    out = tmp_path / "leaf.mp4"
    rendered = deckcast(
        "-v", "render", str(EXAMPLE), "-o", str(out), "--images", "diffusers",
        "--voice", "silent", "--resolution", "720p",
        cwd=tmp_path, DECKCAST_IMAGE_MODEL="deckcast/tiny-sd", DECKCAST_IMAGE_STEPS="2",
        DECKCAST_IMAGE_NATIVE_SIZE="64", HF_HUB_OFFLINE="1",
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert "6 slides (0 from cache)" in rendered.stdout
    assert "warning:" not in rendered.stderr and "transformers" not in rendered.stderr
    assert "loaded deckcast/tiny-sd on cpu (float32)" in rendered.stderr  # the cold start, logged
    painted = re.findall(r"painted (\d+) of (\d+) pictures in [\d.]+ s \((.*?)\)", rendered.stderr)
    assert sum(int(done) for done, _asked, _how in painted) == 6  # in batches of 4 on a CPU
    assert painted[0][2].startswith("cold start: loading took")
    assert all(how == "warm: no model load" for _d, _a, how in painted[1:])
    assert probe(out).video_size == (1280, 720)


@pytest.mark.slow
def test_pull_configs_only_is_what_a_single_file_checkpoint_needs(tiny_sd, tmp_path):
    with FakeHub({"deckcast/tiny-sd": tiny_sd}) as hub:
        result = deckcast(
            "models", "pull", "deckcast/tiny-sd", "--configs-only",
            cwd=tmp_path, HF_ENDPOINT=hub.endpoint,
        )  # fmt: skip
        fetched = [p for p in hub.paths if p.startswith("GET /deckcast/tiny-sd/resolve/")]
    assert result.returncode == 0, result.stderr
    assert fetched and not any(p.endswith(".safetensors") for p in fetched)
    listing = deckcast("models", "list", cwd=tmp_path)
    assert "deckcast/tiny-sd  StableDiffusionPipeline" in listing.stdout
    assert "(configs only)" in listing.stdout
