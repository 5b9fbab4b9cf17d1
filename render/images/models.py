"""Where diffusion models live on this machine.

``locate`` turns what a person named as the image model (a preset name, a Hugging Face model id,
a diffusers folder or a single ``.safetensors`` checkpoint) into a :class:`ModelSource` on disk,
or raises :class:`ModelNotFoundError` saying how to get the model, in the application's words
(:class:`ModelHints`). It never downloads: renders only use what is here
(:mod:`render.images.downloads` is the explicit download).

Nothing here imports torch or huggingface_hub: the cache layout is read directly.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ModelNotFoundError
from .presets import PRESETS, Preset, find_preset

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
WEIGHT_SUFFIXES = (".safetensors", ".bin")
# Components whose folder holds no weights (their config files are all they are).
_NO_WEIGHTS = {"scheduler", "tokenizer", "tokenizer_2", "tokenizer_3", "feature_extractor"}


@dataclass(frozen=True, slots=True)
class ModelSource:
    """A diffusion model found on disk, ready for the loader.

    ``path`` is a diffusers folder (``kind`` "folder" or "hub-cache") or a checkpoint file
    (``kind`` "file", with ``config`` the folder holding its components' configs).
    """

    spec: str
    kind: Literal["folder", "hub-cache", "file"]
    path: Path
    pipeline_class: str
    preset: Preset | None = None
    repo_id: str | None = None
    revision: str | None = None
    config: Path | None = None
    components: tuple[str, ...] = ()
    variant: str | None = None  # "fp16" when the folder holds fp16 weight files
    only_variant: bool = False  # ... and nothing else (so the loader must ask for them)

    @property
    def label(self) -> str:
        return self.preset.name if self.preset else (self.repo_id or self.path.name)

    @property
    def has_safety_checker(self) -> bool:
        return "safety_checker" in self.components

    def fingerprint(self) -> dict[str, object]:
        """What identifies these weights in cache keys: the model id and its commit, or the
        path plus the size and modification time of every weight file."""
        if self.kind == "hub-cache":
            return {"repo": self.repo_id, "revision": self.revision}
        if self.kind == "file":
            named = [(self.path.name, self.path)]
        else:
            named = [(str(f.relative_to(self.path)), f) for f in _weight_files(self.path)]
        stamps = [[name, f.stat().st_size, int(f.stat().st_mtime)] for name, f in named]
        config = str(self.config) if self.config else None
        return {"path": str(self.path), "files": stamps, "config": config}


@dataclass(frozen=True, slots=True)
class CachedModel:
    """A diffusers model found in the Hugging Face cache."""

    repo_id: str
    revision: str
    folder: Path
    pipeline_class: str
    size_bytes: int
    complete: bool  # False when only its config files are there (``pull --configs-only``)
    missing: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ModelHints:
    """How the application around the renderer tells a person to get or to name a model (the
    renderer knows no command line and no settings). ``{model}`` in a command is the preset or
    model id to fetch; without commands, messages name the Hugging Face CLI."""

    pull: str | None = None  # fetches a preset or model id: "app models pull {model}"
    pull_configs: str | None = None  # fetches only its config files (a few KB)
    model_setting: str = "the image model setting"
    config_setting: str = "the model config setting"
    catalogue: str | None = None  # lists the presets and the models here: "app models list"

    def fetch(self, model: str, repo_id: str) -> str:
        """The command(s) that fetch ``model`` (a preset or model id) into the cache."""
        hub = f"hf download {repo_id}"
        return f"{self.pull.format(model=model)} (or: {hub})" if self.pull else hub

    def fetch_configs(self, repo_id: str) -> str:
        """The command that fetches only the config files of ``repo_id``."""
        if self.pull_configs:
            return self.pull_configs.format(model=repo_id)
        return f"hf download {repo_id} --include '*.json' --include '*.txt'"


IN_WORDS = ModelHints()


def locate(
    spec: str,
    *,
    cache_dir: Path,
    config: str | None = None,
    preset: str | None = None,
    hints: ModelHints = IN_WORDS,
) -> ModelSource:
    """Find the model ``spec`` on disk (never downloads). ``config`` names the folder or model
    id holding a single-file checkpoint's configs; ``preset`` picks defaults for a folder or
    file whose model the preset describes; ``hints`` word the advice of a missing model."""
    spec = spec.strip()
    if not spec:
        raise ModelNotFoundError(f"no diffusion model given; set {hints.model_setting}")
    chosen = _preset_named(preset) if preset else None
    known = find_preset(spec)
    if known is not None:
        return _from_cache(known.repo_id, spec, cache_dir, chosen or known, hints)
    path = Path(spec).expanduser()
    if path.exists() or _looks_like_path(spec):
        if not path.exists():
            raise ModelNotFoundError(f"no such model file or folder: {path}")
        if path.is_dir():
            return _from_folder(path.resolve(), spec, chosen, hints)
        return _from_file(path.resolve(), spec, cache_dir, config, chosen, hints)
    if REPO_ID.match(spec):
        return _from_cache(spec, spec, cache_dir, chosen or find_preset(spec), hints)
    names = ", ".join(PRESETS)
    see = f" (see: {hints.catalogue})" if hints.catalogue else ""
    raise ModelNotFoundError(
        f"unknown diffusion model '{spec}': give a preset ({names}), a Hugging Face model id "
        f"such as stabilityai/sd-turbo, a diffusers folder or a .safetensors file{see}"
    )


def _preset_named(name: str) -> Preset:
    found = find_preset(name)
    if found is None:
        raise ModelNotFoundError(f"unknown preset '{name}'; choose one of: {', '.join(PRESETS)}")
    return found


def _looks_like_path(spec: str) -> bool:
    return (
        spec.startswith((".", "/", "~"))
        or "\\" in spec
        or spec.count("/") > 1
        or spec.lower().endswith((".safetensors", ".ckpt", ".pt", ".bin"))
    )


_WEIGHT = re.compile(
    r"^(?:diffusion_pytorch_model|model|pytorch_model)(?:\.(?P<variant>\w+))?"
    r"(?:-\d{5}-of-\d{5})?\.(?P<fmt>safetensors|bin)$"
)
_INDEX = re.compile(
    r"^(?:diffusion_pytorch_model|model|pytorch_model)\.(?P<fmt>safetensors|bin)"
    r"\.index(?:\.(?P<variant>\w+))?\.json$"
)


def weight_kind(name: str) -> tuple[str, str | None] | None:
    """(format, variant) of a weight file or shard index, or None for any other file."""
    match = _WEIGHT.match(name) or _INDEX.match(name)
    return (match["fmt"], match["variant"]) if match else None


# -- a diffusers folder --------------------------------------------------------------------


def read_model_index(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotFoundError(
            f"{folder} is a folder but not a diffusers model (it has no model_index.json); "
            "give the folder that holds model_index.json, or a .safetensors file"
        ) from None
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"cannot read {folder / 'model_index.json'}: {exc}") from None
    if not isinstance(data, dict) or "_class_name" not in data:
        raise ModelNotFoundError(f"{folder / 'model_index.json'} is not a diffusers model index")
    return data


def components(index: dict[str, Any]) -> tuple[str, ...]:
    """The parts a model index names that are present (``[null, null]`` entries are absent)."""
    return tuple(
        name
        for name, value in index.items()
        if not name.startswith("_")
        and isinstance(value, list)
        and len(value) == 2
        and value[0] is not None
        and value[1] is not None
    )


def _weight_files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*") if f.name.endswith(WEIGHT_SUFFIXES) and f.is_file())


def missing_weights(folder: Path, parts: tuple[str, ...]) -> list[str]:
    """Components of ``folder`` that have a config but no weights (a config-only download)."""
    return [
        name
        for name in parts
        if name not in _NO_WEIGHTS and not any(weight_kind(f.name) for f in _files(folder / name))
    ]


def _files(folder: Path) -> list[Path]:
    try:
        return [f for f in folder.iterdir() if f.is_file()]
    except OSError:
        return []


def _variant(folder: Path, parts: tuple[str, ...]) -> tuple[str | None, bool]:
    """("fp16", only): whether fp16 weight files exist, and whether some component has
    nothing else (then the loader must ask for them)."""
    has_fp16 = only = False
    for name in parts:
        kinds = [k for f in _files(folder / name) if (k := weight_kind(f.name))]
        fp16 = any(variant == "fp16" for _fmt, variant in kinds)
        plain = any(variant is None for _fmt, variant in kinds)
        has_fp16 = has_fp16 or fp16
        only = only or (fp16 and not plain)
    return ("fp16" if has_fp16 else None), only


def _from_folder(
    folder: Path,
    spec: str,
    preset: Preset | None,
    hints: ModelHints,
    *,
    kind: Literal["folder", "hub-cache"] = "folder",
    repo_id: str | None = None,
    revision: str | None = None,
) -> ModelSource:
    index = read_model_index(folder)
    parts = components(index)
    missing = missing_weights(folder, parts)
    if missing:
        what = repo_id or str(folder)
        hint = (
            f"get them with: {hints.fetch(repo_id, repo_id)}"
            if repo_id
            else "copy the whole model folder"
        )
        raise ModelNotFoundError(
            f"the model {what} is incomplete: no weights for {', '.join(missing)}; {hint}"
        )
    variant, only = _variant(folder, parts)
    return ModelSource(
        spec=spec,
        kind=kind,
        path=folder,
        pipeline_class=str(index["_class_name"]),
        preset=preset,
        repo_id=repo_id,
        revision=revision,
        components=parts,
        variant=variant,
        only_variant=only,
    )


# -- the Hugging Face cache ----------------------------------------------------------------


def repo_folder(cache_dir: Path, repo_id: str) -> Path:
    return cache_dir / ("models--" + repo_id.replace("/", "--"))


def snapshot(cache_dir: Path, repo_id: str) -> tuple[Path, str] | None:
    """The cached snapshot of ``repo_id`` (``refs/main`` first) and its revision, if any."""
    base = repo_folder(cache_dir, repo_id)
    snapshots = base / "snapshots"
    try:
        ref = (base / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        ref = ""
    if ref and (snapshots / ref / "model_index.json").is_file():
        return snapshots / ref, ref
    try:
        candidates = sorted(
            (p for p in snapshots.iterdir() if (p / "model_index.json").is_file()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return None
    return (candidates[0], candidates[0].name) if candidates else None


def _from_cache(
    repo_id: str, spec: str, cache_dir: Path, preset: Preset | None, hints: ModelHints
) -> ModelSource:
    found = snapshot(cache_dir, repo_id)
    if found is None:
        fetch = hints.fetch(spec if find_preset(spec) else repo_id, repo_id)
        raise ModelNotFoundError(
            f"the model {repo_id} is not on this machine ({cache_dir}); get it once with: "
            f"{fetch}, or set {hints.model_setting} to a model folder or .safetensors file"
        )
    folder, revision = found
    return _from_folder(
        folder, spec, preset, hints, kind="hub-cache", repo_id=repo_id, revision=revision
    )


def cached_models(cache_dir: Path) -> list[CachedModel]:
    """Every diffusers model in the Hugging Face cache at ``cache_dir``."""
    found: list[CachedModel] = []
    try:
        folders = sorted(p for p in cache_dir.iterdir() if p.name.startswith("models--"))
    except OSError:
        return found
    for base in folders:
        repo_id = base.name.removeprefix("models--").replace("--", "/", 1)
        snap = snapshot(cache_dir, repo_id)
        if snap is None:
            continue
        folder, revision = snap
        try:
            index = read_model_index(folder)
        except ModelNotFoundError:
            continue
        missing = tuple(missing_weights(folder, components(index)))
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        found.append(
            CachedModel(
                repo_id,
                revision,
                folder,
                str(index["_class_name"]),
                size,
                complete=not missing,
                missing=missing,
            )
        )
    return found


# -- a single-file checkpoint ----------------------------------------------------------------


def safetensors_header(path: Path) -> dict[str, Any]:
    """The tensor names and shapes of a ``.safetensors`` file, read from its header only."""
    try:
        with path.open("rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            if length > 100_000_000:
                raise ValueError("header too large")
            header = json.loads(f.read(length))
    except (OSError, ValueError, struct.error) as exc:
        raise ModelNotFoundError(f"{path} is not a readable .safetensors file ({exc})") from None
    header.pop("__metadata__", None)
    return header


def _from_file(
    path: Path,
    spec: str,
    cache_dir: Path,
    config: str | None,
    preset: Preset | None,
    hints: ModelHints,
) -> ModelSource:
    if path.suffix.lower() != ".safetensors":
        raise ModelNotFoundError(
            f"{path.name} is not a .safetensors checkpoint; the renderer does not load pickle "
            "checkpoints (.ckpt/.pt/.bin) because they can run code: convert it to "
            ".safetensors, or give a diffusers folder"
        )
    header = safetensors_header(path)
    if config:
        config_dir = _config_folder(config, cache_dir, hints)
    else:
        repo = config_repo_for(header, preset)
        found = snapshot(cache_dir, repo)
        if found is None:
            raise ModelNotFoundError(
                f"the checkpoint {path.name} looks like {repo}, whose config files (a few KB) "
                f"are not on this machine; get them once with: {hints.fetch_configs(repo)} "
                f"(or set {hints.config_setting} to a folder holding them)"
            )
        config_dir = found[0]
    index = read_model_index(config_dir)
    return ModelSource(
        spec=spec,
        kind="file",
        path=path,
        pipeline_class=str(index["_class_name"]),
        preset=preset,
        config=config_dir,
        components=components(index),
    )


def _config_folder(config: str, cache_dir: Path, hints: ModelHints) -> Path:
    folder = Path(config).expanduser()
    if folder.is_dir():
        return folder.resolve()
    preset = find_preset(config)
    repo = preset.repo_id if preset else config
    if REPO_ID.match(repo):
        found = snapshot(cache_dir, repo)
        if found is not None:
            return found[0]
        raise ModelNotFoundError(
            f"the configs of {repo} are not on this machine; get them once with: "
            f"{hints.fetch_configs(repo)}"
        )
    raise ModelNotFoundError(f"no such config folder: {folder}")


# Keys that tell the original (LDM) checkpoint layouts apart, after diffusers' own checks.
_SDXL_KEY = "conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias"
_FLUX_KEYS = (
    "double_blocks.0.img_attn.norm.key_norm.scale",
    "model.diffusion_model.double_blocks.0.img_attn.norm.key_norm.scale",
)
_SD2_KEY = "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight"


def config_repo_for(header: dict[str, Any], preset: Preset | None) -> str:
    """The model id whose configs describe a checkpoint with these tensors."""
    if preset is not None:
        return preset.repo_id
    if _SDXL_KEY in header:
        return "stabilityai/stable-diffusion-xl-base-1.0"
    if any(key in header for key in _FLUX_KEYS):
        guidance = any(k.endswith("guidance_in.in_layer.weight") for k in header)
        return "black-forest-labs/FLUX.1-dev" if guidance else "black-forest-labs/FLUX.1-schnell"
    if _SD2_KEY in header and header[_SD2_KEY].get("shape", [0])[-1] == 1024:
        return "stabilityai/sd-turbo"  # the SD 2.x architecture (sd-turbo's configs fit it)
    return "stable-diffusion-v1-5/stable-diffusion-v1-5"
