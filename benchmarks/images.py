"""Diffusion pictures: a deck's slides painted in one batch against one by one, and a cold
model load against a warm process.

Both sides use the same backend, the same loaded pipeline, the same requests (``--slides``
pictures at the model's native size, so the area is what a real slide costs), the same steps
and seeds; the only difference is how many pictures go to the pipeline per call. Figures are
medians of ``--runs`` runs after one warm-up call.

Models:
  tiny (default)   the test suite's tiny Stable Diffusion pipeline (UNet channels (4, 8),
                   64 px, 2 steps): measures deckcast's overhead and batching on this CPU.
  --full-size sd-turbo | sdxl
                   the full-size architecture built from the real model configs (SD-Turbo's
                   SD 2.x UNet + OpenCLIP-H text encoder + VAE; SDXL's UNet + both CLIP text
                   encoders + VAE) with random weights, written to disk in fp16 and loaded by
                   deckcast's own loader: no download, and the real cost per picture. 512 px,
                   1 step by default (the turbo setting). On CUDA when present; it runs on a CPU
                   too, slowly (``--steps 1 --slides 2 --runs 1`` for a smoke test).

Run: python -m benchmarks.images [--full-size sd-turbo|sdxl] [--slides 10] [--steps N]
     [--runs 5] [--batch N] [--device auto|cuda|cpu] [--dtype auto|float16|...] [--threads N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SD_TURBO_UNET: dict[str, Any] = {
    "act_fn": "silu",
    "attention_head_dim": [5, 10, 20, 20],
    "block_out_channels": [320, 640, 1280, 1280],
    "center_input_sample": False,
    "cross_attention_dim": 1024,
    "down_block_types": [
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "DownBlock2D",
    ],
    "downsample_padding": 1,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "in_channels": 4,
    "layers_per_block": 2,
    "mid_block_scale_factor": 1,
    "norm_eps": 1e-05,
    "norm_num_groups": 32,
    "out_channels": 4,
    "sample_size": 64,
    "up_block_types": [
        "UpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
    ],
    "use_linear_projection": True,
}
SDXL_UNET: dict[str, Any] = {
    "act_fn": "silu",
    "addition_embed_type": "text_time",
    "addition_embed_type_num_heads": 64,
    "addition_time_embed_dim": 256,
    "attention_head_dim": [5, 10, 20],
    "block_out_channels": [320, 640, 1280],
    "center_input_sample": False,
    "cross_attention_dim": 2048,
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
    "downsample_padding": 1,
    "flip_sin_to_cos": True,
    "freq_shift": 0,
    "in_channels": 4,
    "layers_per_block": 2,
    "mid_block_scale_factor": 1,
    "norm_eps": 1e-05,
    "norm_num_groups": 32,
    "out_channels": 4,
    "projection_class_embeddings_input_dim": 2816,
    "sample_size": 128,
    "transformer_layers_per_block": [1, 2, 10],
    "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
    "use_linear_projection": True,
}
VAE: dict[str, Any] = {
    "act_fn": "silu",
    "block_out_channels": [128, 256, 512, 512],
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "in_channels": 3,
    "latent_channels": 4,
    "layers_per_block": 2,
    "norm_num_groups": 32,
    "out_channels": 3,
    "sample_size": 512,
    "scaling_factor": 0.18215,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
}
# Text encoders: OpenCLIP ViT-H/14 (SD 2.x, SD-Turbo), CLIP ViT-L/14 and OpenCLIP ViT-bigG/14
# (SDXL), as transformers configs.
OPENCLIP_H = {"hidden_size": 1024, "intermediate_size": 4096, "num_attention_heads": 16,
              "num_hidden_layers": 23, "hidden_act": "gelu", "projection_dim": 512}  # fmt: skip
CLIP_L = {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12,
          "num_hidden_layers": 12, "hidden_act": "quick_gelu", "projection_dim": 768}  # fmt: skip
OPENCLIP_BIGG = {"hidden_size": 1280, "intermediate_size": 5120, "num_attention_heads": 20,
                 "num_hidden_layers": 32, "hidden_act": "gelu", "projection_dim": 1280}  # fmt: skip
SCHEDULER = {
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "timestep_spacing": "trailing",
    "steps_offset": 1,
}


def _text_encoder(kind: str, size: dict[str, Any], tokenizer: Any) -> Any:
    import transformers

    vocab = tokenizer.get_vocab()
    config = transformers.CLIPTextConfig(
        **size,
        vocab_size=49408,
        max_position_embeddings=77,
        bos_token_id=vocab["<|startoftext|>"],
        eos_token_id=vocab["<|endoftext|>"],
        pad_token_id=vocab["<|endoftext|>"],
    )
    return getattr(transformers, kind)(config)


def random_pipeline(kind: str, device: str) -> Any:
    """The full-size ``kind`` pipeline, built from its real configs with random weights."""
    import diffusers
    import torch

    from tests.fakes.tiny_diffusion import tiny_tokenizer

    torch.manual_seed(0)
    # Random initialisation of ~1-3.5 billion weights is much faster on the GPU.
    with torch.device("cuda" if device.startswith("cuda") else "cpu"):
        tokenizer = tiny_tokenizer()
        scheduler = diffusers.EulerDiscreteScheduler(**SCHEDULER)
        if kind == "sd-turbo":
            return diffusers.StableDiffusionPipeline(
                unet=diffusers.UNet2DConditionModel(**SD_TURBO_UNET),
                vae=diffusers.AutoencoderKL(**VAE),
                text_encoder=_text_encoder("CLIPTextModel", OPENCLIP_H, tokenizer),
                tokenizer=tokenizer,
                scheduler=scheduler,
                safety_checker=None,
                feature_extractor=None,
                requires_safety_checker=False,
            )
        return diffusers.StableDiffusionXLPipeline(
            unet=diffusers.UNet2DConditionModel(**SDXL_UNET),
            vae=diffusers.AutoencoderKL(**{**VAE, "scaling_factor": 0.13025, "force_upcast": True}),
            text_encoder=_text_encoder("CLIPTextModel", CLIP_L, tokenizer),
            text_encoder_2=_text_encoder("CLIPTextModelWithProjection", OPENCLIP_BIGG, tokenizer),
            tokenizer=tokenizer,
            tokenizer_2=tiny_tokenizer(),
            scheduler=scheduler,
        )


def build_full_size(kind: str, folder: Path, device: str) -> Path:
    """Write the full-size ``kind`` pipeline with random weights (fp16) to ``folder``."""
    import torch

    started = time.perf_counter()
    pipe = random_pipeline(kind, device)
    pipe.to(dtype=torch.float16)
    params = sum(p.numel() for p in pipe.unet.parameters())
    pipe.save_pretrained(folder)
    del pipe
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()  # the loader under test starts from an empty GPU
    print(
        f"built full-size {kind} (UNet {params / 1e9:.2f} B parameters) with random weights "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return folder


def median_time(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def paint(backend: Any, requests: list[Any]) -> int:
    """Paint ``requests`` in one generate call; returns how many came back NaN (random
    full-size weights in half precision can overflow; the time is what is measured)."""
    from render.images.base import PartialBatchError

    try:
        backend.generate(requests)
    except PartialBatchError as exc:
        return len(exc.reasons)
    return 0


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.images", description=__doc__)
    parser.add_argument("--full-size", choices=("sd-turbo", "sdxl"), default=None)
    parser.add_argument("--slides", type=int, default=10)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=None, help="[default: --slides]")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--native", type=int, default=None, help="px per side [512; tiny: 64]")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import torch

    from render.images.loading import LoadOptions, import_diffusers, pick_device

    import_diffusers()
    import_seconds = time.perf_counter() - started
    if args.threads:
        torch.set_num_threads(args.threads)

    from render.images.base import ImageRequest
    from render.images.diffusion import DiffusersBackend
    from render.images.models import locate
    from tests.fakes.tiny_diffusion import save_tiny_pipeline

    device = pick_device(args.device)
    full = args.full_size
    native = args.native or (512 if full else 64)
    steps = args.steps or (1 if full else 2)
    batch = args.batch or args.slides
    load_runs = 1 if full else 3
    with tempfile.TemporaryDirectory(prefix="deckcast-bench-images-") as tmp:
        folder = Path(tmp) / "model"
        if full:
            build_full_size(full, folder, device)
        else:
            save_tiny_pipeline(folder)
        source = locate(str(folder), cache_dir=Path(tmp) / "hub")
        options = LoadOptions(device=args.device, dtype=args.dtype)

        def backend() -> Any:
            return DiffusersBackend(
                source, steps=steps, guidance=0.0, native=native, batch_size=batch, load=options
            )

        deck = [
            ImageRequest(f"slide {i}: an illustration of step {i}", 1000 + i, (native, native))
            for i in range(args.slides)
        ]

        # Cold: a fresh backend (a new process's) loads the model from disk and paints a deck.
        # Warm: the backend the process keeps paints the next decks with no load at all.
        cold, loads = [], []
        for _ in range(load_runs):
            fresh = backend()
            began = time.perf_counter()
            paint(fresh, deck)
            cold.append(time.perf_counter() - began)
            loads.append(fresh.stats.load_seconds)
        warm_backend = fresh
        loaded = warm_backend.loaded
        assert loaded is not None

        nan = paint(warm_backend, deck)  # warm-up (kernels, allocator) before timing
        batched = median_time(lambda: paint(warm_backend, deck), args.runs)
        single = median_time(lambda: [paint(warm_backend, [r]) for r in deck], args.runs)
        assert warm_backend.stats.loads == 1 and warm_backend.stats.halvings == 0

    size = f"{native}x{native}"
    name = f"full-size {full} (random weights)" if full else "tiny SD pipeline (UNet (4, 8))"
    print(
        f"\n{name}, {args.slides} pictures at {size}, {steps} step(s), batch {batch}, on "
        f"{loaded.device} ({loaded.dtype}), torch threads {torch.get_num_threads()}; "
        f"medians of {args.runs} runs ({load_runs} for loads)"
    )
    rows = [
        ("torch + diffusers import (once per process)", import_seconds, ""),
        ("cold model load from disk", statistics.median(loads), ""),
        ("first deck, cold process (load + paint)", statistics.median(cold), ""),
        ("next deck, warm process (0 loads) = batched", batched, ""),
        ("one by one", single, f"{args.slides / single:8.2f} pictures/s"),
        ("batched", batched, f"{args.slides / batched:8.2f} pictures/s"),
    ]
    for label, seconds, extra in rows:
        print(f"  {label:<46} {seconds:9.3f} s  {extra}")
    print(f"  {'batched / one-by-one throughput':<46} {single / batched:9.2f} x")
    cold_over_warm = statistics.median(cold) / batched
    print(f"  {'cold first deck / warm next deck':<46} {cold_over_warm:9.2f} x")
    if nan:
        print(f"  ({nan} of {args.slides} random-weight pictures came out NaN; timing unaffected)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
