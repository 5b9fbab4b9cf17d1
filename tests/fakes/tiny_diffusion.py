"""A tiny Stable Diffusion pipeline built from config, for tests and benchmarks.

Real diffusers classes with the shapes of diffusers' own dummy test components (UNet channels
(4, 8), cross-attention dim 32, CLIP hidden size 32) and random weights: under 0.5 MB on disk,
loads in a fraction of a second and paints 64 px pictures in milliseconds, with no downloads.
The tokenizer is a real ``CLIPTokenizer`` built from an in-memory byte-level vocabulary (the
256-character byte alphabet, each again with a ``</w>`` ending, plus the two special tokens).

``save_single_file`` writes the same weights as one original-layout (LDM) ``.safetensors``
checkpoint, the format people download from model sites, so single-file loading is tested too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

UNET_BLOCKS = (4, 8)
VAE_BLOCKS = (4, 8)


def byte_alphabet() -> list[str]:
    """GPT-2/CLIP's printable stand-ins for the 256 byte values, in byte order."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    order = sorted(range(256), key=lambda i: printable[i])
    return [chr(chars[i]) for i in order]


def tiny_vocab() -> dict[str, int]:
    letters = byte_alphabet()
    vocab = {c: i for i, c in enumerate(letters)}
    vocab |= {c + "</w>": 256 + i for i, c in enumerate(letters)}
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


def tiny_tokenizer() -> Any:
    from transformers import CLIPTokenizer

    return CLIPTokenizer(vocab=tiny_vocab(), merges=[], model_max_length=77)


def tiny_components(seed: int = 0) -> dict[str, Any]:
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=UNET_BLOCKS,
        layers_per_block=1,
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=2,
    )
    vae = AutoencoderKL(
        block_out_channels=list(VAE_BLOCKS),
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2,
        latent_channels=4,
        norm_num_groups=2,
        sample_size=64,
    )
    tokenizer = tiny_tokenizer()
    vocab = tokenizer.get_vocab()
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=len(vocab),
            max_position_embeddings=77,
            projection_dim=32,
        )
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        timestep_spacing="trailing",
        steps_offset=1,
    )
    return {
        "unet": unet,
        "vae": vae,
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
        "scheduler": scheduler,
    }


def tiny_safety_checker(*, flag_everything: bool) -> dict[str, Any]:
    """A tiny real ``StableDiffusionSafetyChecker`` (and its image processor). With
    ``flag_everything`` its concept thresholds sit below any cosine similarity, so it flags
    every picture, as the real one flags an unsafe one."""
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPImageProcessor

    config = CLIPConfig(
        text_config={
            "hidden_size": 32,
            "intermediate_size": 37,
            "num_attention_heads": 4,
            "num_hidden_layers": 2,
            "vocab_size": 514,
            "bos_token_id": 0,
            "eos_token_id": 1,
            "pad_token_id": 1,
        },
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 37,
            "num_attention_heads": 4,
            "num_hidden_layers": 2,
            "image_size": 32,
            "patch_size": 4,
        },
        projection_dim=32,
    )
    checker = StableDiffusionSafetyChecker(config)
    with torch.no_grad():
        threshold = -2.0 if flag_everything else 2.0  # cosine similarity is within [-1, 1]
        checker.concept_embeds_weights.fill_(threshold)
        checker.special_care_embeds_weights.fill_(threshold)
    processor = CLIPImageProcessor(
        crop_size={"height": 32, "width": 32}, size={"shortest_edge": 32}
    )
    return {"safety_checker": checker, "feature_extractor": processor}


def save_tiny_pipeline(folder: Path, *, seed: int = 0, safety_checker: bool | None = None) -> Path:
    """Build the tiny pipeline and ``save_pretrained`` it to ``folder``.

    ``safety_checker``: None ships none; False ships one that passes everything; True ships
    one that flags everything.
    """
    from diffusers import StableDiffusionPipeline

    parts = tiny_components(seed)
    if safety_checker is None:
        extra: dict[str, Any] = {"safety_checker": None, "feature_extractor": None}
    else:
        extra = tiny_safety_checker(flag_everything=safety_checker)
    pipe = StableDiffusionPipeline(
        **parts, **extra, requires_safety_checker=safety_checker is not None
    )
    pipe.save_pretrained(folder)
    return folder


# -- the same weights as one original-layout checkpoint --------------------------------------


def _unet_to_ldm(state: dict[str, torch.Tensor], blocks: int, layers: int) -> dict[str, Any]:
    """diffusers UNet keys -> the original LDM ones (the inverse of diffusers' conversion)."""
    exact = {
        "time_embedding.linear_1.": "time_embed.0.",
        "time_embedding.linear_2.": "time_embed.2.",
        "conv_in.": "input_blocks.0.0.",
        "conv_norm_out.": "out.0.",
        "conv_out.": "out.2.",
    }
    resnet = [
        ("norm1", "in_layers.0"),
        ("conv1", "in_layers.2"),
        ("norm2", "out_layers.0"),
        ("conv2", "out_layers.3"),
        ("time_emb_proj", "emb_layers.1"),
        ("conv_shortcut", "skip_connection"),
    ]
    prefixes: list[tuple[str, str]] = []
    per = layers + 1
    up_has_attention = {
        int(k.split(".")[1]) for k in state if k.startswith("up_blocks.") and ".attentions." in k
    }
    for i in range(blocks):
        for j in range(layers):
            prefixes.append((f"down_blocks.{i}.resnets.{j}.", f"input_blocks.{per * i + j + 1}.0."))
            prefixes.append(
                (f"down_blocks.{i}.attentions.{j}.", f"input_blocks.{per * i + j + 1}.1.")
            )
        for j in range(per):
            prefixes.append((f"up_blocks.{i}.resnets.{j}.", f"output_blocks.{per * i + j}.0."))
            prefixes.append((f"up_blocks.{i}.attentions.{j}.", f"output_blocks.{per * i + j}.1."))
        if i < blocks - 1:
            prefixes.append(
                (f"down_blocks.{i}.downsamplers.0.conv.", f"input_blocks.{per * (i + 1)}.0.op.")
            )
            slot = 2 if i in up_has_attention else 1
            prefixes.append(
                (f"up_blocks.{i}.upsamplers.0.", f"output_blocks.{per * i + layers}.{slot}.")
            )
    prefixes.append(("mid_block.attentions.0.", "middle_block.1."))
    prefixes += [(f"mid_block.resnets.{j}.", f"middle_block.{2 * j}.") for j in range(2)]
    out: dict[str, Any] = {}
    for key, value in state.items():
        new = key
        for hf, sd in exact.items():
            if new.startswith(hf):
                new = sd + new[len(hf) :]
        if "resnets" in key:
            for hf, sd in resnet:
                new = new.replace(hf, sd)
        for hf, sd in prefixes:
            if new.startswith(hf):
                new = sd + new[len(hf) :]
                break
        out["model.diffusion_model." + new] = value
    return out


def _vae_to_ldm(state: dict[str, torch.Tensor], blocks: int) -> dict[str, Any]:
    prefixes: list[tuple[str, str]] = [("mid_block.attentions.0.", "mid.attn_1.")]
    for i in range(blocks):
        prefixes.append((f"encoder.down_blocks.{i}.resnets.", f"encoder.down.{i}.block."))
        prefixes.append(
            (f"encoder.down_blocks.{i}.downsamplers.0.", f"encoder.down.{i}.downsample.")
        )
        prefixes.append((f"decoder.up_blocks.{i}.resnets.", f"decoder.up.{blocks - 1 - i}.block."))
        prefixes.append(
            (f"decoder.up_blocks.{i}.upsamplers.0.", f"decoder.up.{blocks - 1 - i}.upsample.")
        )
    prefixes += [(f"mid_block.resnets.{i}.", f"mid.block_{i + 1}.") for i in range(2)]
    parts = [
        ("conv_shortcut", "nin_shortcut"),
        ("conv_norm_out", "norm_out"),
        ("group_norm.", "norm."),
        ("to_q.", "q."),
        ("to_k.", "k."),
        ("to_v.", "v."),
        ("to_out.0.", "proj_out."),
    ]
    out: dict[str, Any] = {}
    for key, value in state.items():
        new = key
        for hf, sd in prefixes:
            new = new.replace(hf, sd)
        for hf, sd in parts:
            new = new.replace(hf, sd)
        if "mid.attn_1." in new and value.ndim == 2:  # the original attention is 1x1 convs
            value = value.reshape(*value.shape, 1, 1)
        out["first_stage_model." + new] = value
    return out


def save_single_file(folder: Path, target: Path) -> Path:
    """Write the pipeline saved in ``folder`` as one LDM-layout ``.safetensors`` file."""
    from diffusers import StableDiffusionPipeline
    from safetensors.torch import save_file

    pipe = StableDiffusionPipeline.from_pretrained(folder, local_files_only=True)
    unet = pipe.unet.state_dict()
    state = _unet_to_ldm(unet, len(pipe.unet.config.block_out_channels), 1)
    state |= _vae_to_ldm(pipe.vae.state_dict(), len(pipe.vae.config.block_out_channels))
    # The original layout nests the CLIP text model under "text_model." (transformers 5 does not).
    state |= {
        "cond_stage_model.transformer."
        + ("" if k.startswith("text_model.") else "text_model.")
        + k: v
        for k, v in pipe.text_encoder.state_dict().items()
    }
    save_file({k: v.contiguous() for k, v in state.items()}, str(target))
    return target
