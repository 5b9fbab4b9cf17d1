"""Loading a diffusion pipeline onto a device: the only module that imports torch/diffusers.

One path for every kind of :class:`~render.images.models.ModelSource`: a diffusers folder or
a Hugging Face cache snapshot goes through ``from_pretrained``, a single ``.safetensors``
checkpoint through ``from_single_file`` with its configs from a local folder; both with
``local_files_only`` and explicit local paths, so loading never downloads.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

from ..errors import ImageError, ModelNotFoundError
from .models import ModelSource, missing_weights
from .presets import defaults_for

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "the diffusers picture backend needs torch and diffusers: pip install 'deckcast[diffusion]' "
    "(for a CPU-only torch first: pip install torch --index-url "
    "https://download.pytorch.org/whl/cpu)"
)
DTYPES = ("auto", "float16", "bfloat16", "float32")
SMALL_GPU_BYTES = 12 * 1024**3  # below this, slice attention and tile the VAE


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Where and how to load a pipeline (the settings' image_device, image_dtype...)."""

    device: str = "auto"  # auto | cuda | cuda:N | mps | cpu
    dtype: str = "auto"  # auto | float16 | bfloat16 | float32
    cpu_offload: bool = False  # keep weights in RAM, move each part to the GPU when used
    memory_saving: Literal["auto", "on", "off"] = "auto"
    safety_checker: bool = True  # keep the model's own safety checker when it ships one


@dataclass
class LoadedPipeline:
    pipe: Any
    device: str
    dtype: str
    seconds: float
    accepts: frozenset[str]  # the keyword arguments its __call__ takes
    safety_checker: bool
    memory: list[str] = field(default_factory=list)  # memory options switched on
    gpu_bytes: int = 0


def diffusion_available() -> bool:
    """Whether torch and diffusers are installed (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "diffusers"))


def import_torch() -> ModuleType:
    try:
        import torch
    except ImportError:
        raise ImageError(INSTALL_HINT) from None
    return torch


def import_diffusers() -> ModuleType:
    import_torch()
    try:
        import transformers

        # transformers talks to developers (a missing torchvision, CLIP's 77-token limit
        # that deckcast's long prompts knowingly exceed); deckcast reports what matters.
        transformers.utils.logging.set_verbosity_error()
        import diffusers
    except ImportError:
        raise ImageError(INSTALL_HINT) from None
    return diffusers


def accelerator() -> tuple[str, str]:
    """torch's version and, in words, what it would draw pictures on (for ``deckcast doctor``)."""
    import torch

    if torch.cuda.is_available():
        names = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        return torch.__version__, f"CUDA: {', '.join(names)}"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.__version__, "Apple MPS"
    return torch.__version__, "no GPU: pictures are painted on the CPU (slow)"


def pick_device(choice: str) -> str:
    """``auto``: CUDA when present, else Apple MPS, else the CPU; anything else is checked."""
    torch = import_torch()
    choice = (choice or "auto").strip().lower()
    if choice == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"
    if choice.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ImageError(
                f"the image device is '{choice}' but torch sees no CUDA GPU here; "
                "use auto or cpu (or install a CUDA build of torch)"
            )
        return choice
    if choice == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ImageError("the image device is 'mps' but Apple MPS is not available")
        return choice
    if choice == "cpu":
        return choice
    raise ImageError(f"unknown image device '{choice}'; use auto, cuda, cuda:N, mps or cpu")


def pick_dtype(choice: str, device: str, half: str) -> str:
    """``auto``: the model's half type (float16, bfloat16 for FLUX) on CUDA, float16 on MPS,
    float32 on the CPU (where half precision is slow or unsupported)."""
    choice = (choice or "auto").strip().lower()
    if choice not in DTYPES:
        raise ImageError(f"unknown image dtype '{choice}'; use one of: {', '.join(DTYPES)}")
    if choice != "auto":
        return choice
    if device.startswith("cuda"):
        return half
    if device == "mps":
        return "float16"
    return "float32"


def gpu_memory(device: str) -> int:
    """Total memory of the CUDA device (0 elsewhere)."""
    torch = import_torch()
    if not device.startswith("cuda"):
        return 0
    index = int(device.split(":", 1)[1]) if ":" in device else torch.cuda.current_device()
    return int(torch.cuda.get_device_properties(index).total_memory)


def load_pipeline(source: ModelSource, options: LoadOptions) -> LoadedPipeline:
    """Load ``source`` onto the device ``options`` choose, with its memory options."""
    diffusers = import_diffusers()
    torch = import_torch()
    _quiet(diffusers)
    started = time.perf_counter()
    device = pick_device(options.device)
    dtype_name = pick_dtype(
        options.dtype, device, defaults_for(source.preset, source.pipeline_class).half
    )
    dtype = getattr(torch, dtype_name)
    kwargs: dict[str, Any] = {"dtype": dtype, "local_files_only": True}
    if source.has_safety_checker and not options.safety_checker:
        kwargs["safety_checker"] = None
        kwargs["requires_safety_checker"] = False
    try:
        if source.kind == "file":
            if source.has_safety_checker and options.safety_checker:
                kwargs |= _safety_checker_from(source, dtype)
            pipe = _pipeline_class(diffusers, source).from_single_file(
                str(source.path), config=str(source.config), **kwargs
            )
        else:
            if source.variant and (source.only_variant or dtype_name != "float32"):
                kwargs["variant"] = source.variant
            pipe = diffusers.AutoPipelineForText2Image.from_pretrained(str(source.path), **kwargs)
    except OSError as exc:
        raise ModelNotFoundError(
            f"cannot load the model {source.label} from {source.path}: {_first_line(exc)}"
        ) from None
    except (ValueError, KeyError, RuntimeError, TypeError, AttributeError) as exc:
        raise ImageError(
            f"cannot load the model {source.label} from {source.path}: {_first_line(exc)}"
        ) from None
    memory = _place(pipe, device, options)
    if hasattr(pipe, "set_progress_bar_config"):
        pipe.set_progress_bar_config(disable=True)
    seconds = time.perf_counter() - started
    has_checker = getattr(pipe, "safety_checker", None) is not None
    log.info(
        "loaded %s on %s (%s) in %.2f s (cold start)%s%s",
        source.label,
        device,
        dtype_name,
        seconds,
        f"; memory: {', '.join(memory)}" if memory else "",
        "; safety checker on" if has_checker else "",
    )
    return LoadedPipeline(
        pipe=pipe,
        device=device,
        dtype=dtype_name,
        seconds=seconds,
        accepts=frozenset(inspect.signature(pipe.__call__).parameters),
        safety_checker=has_checker,
        memory=memory,
        gpu_bytes=gpu_memory(device),
    )


def _safety_checker_from(source: ModelSource, dtype: Any) -> dict[str, Any]:
    """A single-file checkpoint holds no safety checker, but the model it belongs to may:
    when its configs folder has the checker's weights, use it (else there is none)."""
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPImageProcessor

    assert source.config is not None
    folder = source.config / "safety_checker"
    if not missing_weights(source.config, ("safety_checker",)):
        log.info("using the safety checker of %s", source.config)
        return {
            "safety_checker": StableDiffusionSafetyChecker.from_pretrained(
                folder, dtype=dtype, local_files_only=True
            ),
            "feature_extractor": CLIPImageProcessor.from_pretrained(
                source.config / "feature_extractor", local_files_only=True
            ),
        }
    log.info("%s has no safety checker weights: pictures are not checked", source.config)
    return {}


def _pipeline_class(diffusers: ModuleType, source: ModelSource) -> Any:
    cls = getattr(diffusers, source.pipeline_class, None)
    if cls is None or not hasattr(cls, "from_single_file"):
        raise ImageError(
            f"diffusers {diffusers.__version__} cannot load a single-file "
            f"{source.pipeline_class}; convert the checkpoint to a diffusers folder"
        )
    return cls


def _place(pipe: Any, device: str, options: LoadOptions) -> list[str]:
    """Move ``pipe`` to ``device`` (or set up CPU offload) and switch on the memory savers
    that help: attention slicing and VAE slicing/tiling on small GPUs or when asked."""
    notes: list[str] = []
    if options.cpu_offload and device != "cpu":
        try:
            pipe.enable_model_cpu_offload(device=device)
        except (ImportError, RuntimeError, ValueError) as exc:
            raise ImageError(f"CPU offload is not available here: {_first_line(exc)}") from None
        notes.append("model CPU offload")
    else:
        pipe.to(device)
    small = device.startswith("cuda") and gpu_memory(device) < SMALL_GPU_BYTES
    if options.memory_saving == "on" or (options.memory_saving == "auto" and small):
        if hasattr(pipe, "enable_attention_slicing"):
            pipe.enable_attention_slicing()
            notes.append("attention slicing")
        vae = getattr(pipe, "vae", None)
        if vae is not None and hasattr(vae, "enable_tiling"):
            vae.enable_tiling()
            vae.enable_slicing()
            notes.append("VAE tiling")
    return notes


def _quiet(diffusers: ModuleType) -> None:
    """deckcast reports its own progress and problems: no tqdm bars from diffusers or
    transformers, and none of diffusers' developer notes (CLIP's 77-token truncation, the
    safety checker's "black image returned": deckcast says which slide fell back)."""
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()


def is_out_of_memory(exc: BaseException) -> bool:
    """CUDA's OutOfMemoryError, or the messages MPS and the CPU allocator use."""
    torch = import_torch()
    oom = getattr(torch, "OutOfMemoryError", None) or torch.cuda.OutOfMemoryError
    if isinstance(exc, oom):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text
    )


def free_memory(device: str) -> None:
    torch = import_torch()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    elif device == "mps" and hasattr(torch, "mps"):
        torch.mps.empty_cache()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
