"""Downloading a diffusion model, only when a person asks for it (never during a render).

Only what the renderer loads is fetched: the model index, every config and tokenizer file, and one
set of weights per component (fp16 when the repo offers it, safetensors over pickles) into the
standard Hugging Face cache, where :func:`render.images.models.locate` finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..download import first_line
from ..errors import ImageError, ModelNotFoundError
from .models import REPO_ID, weight_kind
from .presets import PRESETS, find_preset

_CONFIG_FILES = (".json", ".txt", ".model")


def choose_files(files: list[str], *, configs_only: bool = False) -> list[str]:
    """The files of a diffusers repo worth downloading: the index, every config and
    tokenizer file, and one set of weights per component (fp16 files when the repo has them,
    safetensors over pickles, no EMA or other variants); never root-level single-file
    checkpoints, ONNX or Flax exports, or pictures."""
    chosen = [f for f in files if f == "model_index.json"]
    folders: dict[str, list[str]] = {}
    for f in files:
        parts = f.split("/")
        if len(parts) == 2:
            folders.setdefault(parts[0], []).append(parts[1])
    for folder, names in folders.items():
        weights = {n: kind for n in names if (kind := weight_kind(n)) is not None}
        chosen += [f"{folder}/{n}" for n in names if n not in weights and n.endswith(_CONFIG_FILES)]
        if configs_only or not weights:
            continue
        fmt = "safetensors" if any(k[0] == "safetensors" for k in weights.values()) else "bin"
        fp16 = [n for n, k in weights.items() if k == (fmt, "fp16")]
        plain = [n for n, k in weights.items() if k == (fmt, None)]
        chosen += [f"{folder}/{n}" for n in (fp16 or plain)]
    return sorted(set(chosen))


def pull(
    spec: str,
    *,
    cache_dir: Path,
    endpoint: str | None = None,
    token: str | None = None,
    configs_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Download a model (or only its configs) into the Hugging Face cache; returns its folder.

    ``spec`` is a preset name or a model id. Raises :class:`ModelNotFoundError` for a model
    the hub does not have (or will not give without a token) and :class:`ImageError` when
    the hub cannot be reached.
    """
    try:
        from huggingface_hub import HfApi, snapshot_download
        from huggingface_hub.errors import (
            GatedRepoError,
            HfHubHTTPError,
            OfflineModeIsEnabled,
            RepositoryNotFoundError,
        )
    except ImportError:
        raise ImageError(
            "downloading models needs the diffusion extra: pip install 'deckcast[diffusion]'"
        ) from None
    preset = find_preset(spec)
    repo = preset.repo_id if preset else spec.strip()
    if not REPO_ID.match(repo):
        raise ModelNotFoundError(
            f"'{spec}' is neither a preset ({', '.join(PRESETS)}) nor a model id like org/name"
        )
    api = HfApi(endpoint=endpoint, token=token)
    try:
        files = api.list_repo_files(repo)
        if "model_index.json" not in files:
            raise ModelNotFoundError(
                f"{repo} is not a diffusers pipeline (it has no model_index.json); "
                "download its .safetensors file yourself and give its path"
            )
        wanted = choose_files(files, configs_only=configs_only)
        if progress:
            progress(f"downloading {len(wanted)} files of {repo}")
        folder = snapshot_download(
            repo,
            allow_patterns=wanted,
            cache_dir=cache_dir,
            endpoint=endpoint,
            token=token,
        )
    except OfflineModeIsEnabled:
        raise ImageError(
            "HF_HUB_OFFLINE is set, so nothing can be downloaded; unset it to pull models"
        ) from None
    except GatedRepoError:
        raise ModelNotFoundError(
            f"{repo} is gated: accept its licence on its Hugging Face page, then set HF_TOKEN"
        ) from None
    except RepositoryNotFoundError:
        raise ModelNotFoundError(
            f"the Hugging Face hub has no model {repo} (or it is private: set HF_TOKEN)"
        ) from None
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise ImageError(
            f"the Hugging Face hub refused the download of {repo} ({status})"
        ) from None
    except OSError as exc:
        raise ImageError(f"cannot download {repo}: {first_line(exc)}") from None
    return Path(folder)
