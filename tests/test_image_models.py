"""Finding diffusion models and choosing what to download: pure functions, no torch."""

from __future__ import annotations

import json
import struct

import pytest

from bot.backends import MODEL_HINTS
from render import ModelNotFoundError
from render.images.downloads import choose_files
from render.images.models import config_repo_for, locate, safetensors_header
from render.images.presets import PRESETS, find_preset, generation_size

SD_TURBO_FILES = [
    ".gitattributes",
    "README.md",
    "image.png",
    "model_index.json",
    "sd_turbo.safetensors",
    "scheduler/scheduler_config.json",
    "text_encoder/config.json",
    "text_encoder/model.fp16.safetensors",
    "text_encoder/model.safetensors",
    "tokenizer/merges.txt",
    "tokenizer/special_tokens_map.json",
    "tokenizer/tokenizer_config.json",
    "tokenizer/vocab.json",
    "unet/config.json",
    "unet/diffusion_pytorch_model.fp16.safetensors",
    "unet/diffusion_pytorch_model.safetensors",
    "vae/config.json",
    "vae/diffusion_pytorch_model.fp16.safetensors",
    "vae/diffusion_pytorch_model.safetensors",
]


def test_a_pull_fetches_one_set_of_weights_and_every_config():
    chosen = choose_files(SD_TURBO_FILES)
    assert "model_index.json" in chosen and "tokenizer/merges.txt" in chosen
    weights = [f for f in chosen if f.endswith(".safetensors")]
    assert weights == [
        "text_encoder/model.fp16.safetensors",
        "unet/diffusion_pytorch_model.fp16.safetensors",
        "vae/diffusion_pytorch_model.fp16.safetensors",
    ]
    assert "sd_turbo.safetensors" not in chosen and "image.png" not in chosen
    configs = choose_files(SD_TURBO_FILES, configs_only=True)
    assert not any(f.endswith(".safetensors") for f in configs) and "unet/config.json" in configs


def test_sharded_weights_without_a_variant_and_pickles_as_a_last_resort():
    files = [
        "model_index.json",
        "transformer/config.json",
        "transformer/diffusion_pytorch_model-00001-of-00002.safetensors",
        "transformer/diffusion_pytorch_model-00002-of-00002.safetensors",
        "transformer/diffusion_pytorch_model.safetensors.index.json",
        "safety_checker/config.json",
        "safety_checker/pytorch_model.bin",
        "unet/diffusion_pytorch_model.non_ema.safetensors",
        "unet/diffusion_pytorch_model.safetensors",
        "unet/diffusion_flax_model.msgpack",
        "unet/config.json",
    ]
    chosen = choose_files(files)
    assert "transformer/diffusion_pytorch_model.safetensors.index.json" in chosen
    assert sum("transformer/diffusion_pytorch_model-" in f for f in chosen) == 2
    assert "safety_checker/pytorch_model.bin" in chosen  # no safetensors there
    assert "unet/diffusion_pytorch_model.safetensors" in chosen
    assert not any("non_ema" in f or "msgpack" in f for f in chosen)


def test_generation_sizes_keep_the_native_area_in_the_layouts_shape():
    assert generation_size((1920, 1080), 512) == (704, 384)  # full-frame 16:9
    assert generation_size((864, 1080), 512) == (448, 576)  # picture beside bullets
    assert generation_size((1080, 1080), 1024) == (1024, 1024)
    assert generation_size((1080, 1920), 512) == (384, 704)
    assert generation_size((4000, 100), 512) == (704, 384)  # clamped to 2:1 at most
    assert generation_size((1920, 1080), 64) == (80, 48)  # tiny test models: steps of 16
    for region in ((1920, 1080), (864, 1080), (1080, 1920), (1080, 1080)):
        w, h = generation_size(region, 512)
        assert w % 64 == 0 and h % 64 == 0 and 0.8 < w * h / 512**2 < 1.2


def test_presets_are_found_by_name_alias_or_model_id():
    assert find_preset("SD-Turbo") is PRESETS["sd-turbo"]
    assert find_preset("black-forest-labs/FLUX.1-schnell") is PRESETS["flux-schnell"]
    assert find_preset("sd1.5") is PRESETS["sd15"]
    assert find_preset("someone/else") is None
    turbo, flux = PRESETS["sd-turbo"].defaults, PRESETS["flux-schnell"].defaults
    assert (turbo.steps, turbo.guidance, turbo.native) == (1, 0.0, 512)
    assert (flux.steps, flux.native, flux.half) == (4, 1024, "bfloat16")


def write_safetensors(path, names_and_shapes):
    header = {n: {"dtype": "F16", "shape": s, "data_offsets": [0, 0]} for n, s in names_and_shapes}
    blob = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(blob)) + blob)
    return path


def test_a_checkpoints_architecture_is_read_from_its_header_alone(tmp_path):
    sdxl = write_safetensors(
        tmp_path / "xl.safetensors",
        [("conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias", [1280])],
    )
    key = "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight"
    sd2 = write_safetensors(tmp_path / "v2.safetensors", [(key, [320, 1024])])
    sd1 = write_safetensors(tmp_path / "v1.safetensors", [("model.diffusion_model.x", [1])])
    assert (
        config_repo_for(safetensors_header(sdxl), None)
        == "stabilityai/stable-diffusion-xl-base-1.0"
    )
    assert config_repo_for(safetensors_header(sd2), None) == "stabilityai/sd-turbo"
    assert config_repo_for(safetensors_header(sd1), None).startswith("stable-diffusion-v1-5/")
    assert config_repo_for({}, PRESETS["sdxl-turbo"]) == "stabilityai/sdxl-turbo"
    with pytest.raises(ModelNotFoundError, match="models pull stabilityai/stable-diffusion-xl"):
        locate(str(sdxl), cache_dir=tmp_path / "hub", hints=MODEL_HINTS)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\xff" * 4)
    with pytest.raises(ModelNotFoundError, match=r"not a readable \.safetensors file"):
        locate(str(junk), cache_dir=tmp_path / "hub")


def test_missing_models_say_how_to_get_them(tmp_path):
    cache = tmp_path / "hub"
    with pytest.raises(ModelNotFoundError) as caught:
        locate("sd-turbo", cache_dir=cache, hints=MODEL_HINTS)
    message = str(caught.value)
    assert "stabilityai/sd-turbo is not on this machine" in message
    assert "deckcast models pull sd-turbo" in message
    assert "hf download stabilityai/sd-turbo" in message
    with pytest.raises(ModelNotFoundError, match="no such model file or folder"):
        locate(str(tmp_path / "nowhere.safetensors"), cache_dir=cache)
    with pytest.raises(ModelNotFoundError, match=r"has no model_index\.json"):
        locate(str(tmp_path), cache_dir=cache)
    pickle = tmp_path / "model.ckpt"
    pickle.write_bytes(b"not loaded")
    with pytest.raises(ModelNotFoundError, match="does not load pickle checkpoints"):
        locate(str(pickle), cache_dir=cache)
    with pytest.raises(ModelNotFoundError, match="unknown diffusion model 'sd-9000'"):
        locate("sd-9000", cache_dir=cache)
    with pytest.raises(ModelNotFoundError, match="unknown preset 'turbo-max'"):
        locate("someone/model", cache_dir=cache, preset="turbo-max")
