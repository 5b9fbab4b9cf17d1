"""``deckcast models``: the diffusion presets, what is on this machine, and downloads.

``list`` shows every preset (with the defaults it brings and whether it is downloaded), the
other diffusers models in the Hugging Face cache, and whether the configured model is found.
``pull`` is the only command that downloads a model: renders never do.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from render.errors import ModelNotFoundError
from render.images.downloads import pull
from render.images.models import cached_models, locate
from render.images.presets import DEFAULT_PRESET, PRESETS

from ..backends import MODEL_HINTS
from ..settings import Settings
from .console import console, friendly_errors, out

models_app = typer.Typer(
    name="models",
    help="Diffusion models: presets, what is on this machine, downloads.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

IdArg = Annotated[str, typer.Argument(help="A preset (see 'models list') or a model id org/name.")]
ConfigsOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--configs-only",
        help="Only the config files (what a single .safetensors checkpoint needs).",
    ),
]


def _size(nbytes: int) -> str:
    return f"{nbytes / 1e9:.1f} GB" if nbytes >= 1e8 else f"{nbytes / 1e6:.1f} MB"


@models_app.command("list")
@friendly_errors
def list_models(ctx: typer.Context) -> None:
    """Show the presets, the diffusers models on this machine and the configured one."""
    settings: Settings = ctx.obj
    cache = settings.hf_cache_dir
    local = {m.repo_id: m for m in cached_models(cache)}
    out.print("presets (DECKCAST_IMAGE_MODEL=NAME):")
    for preset in PRESETS.values():
        found = local.get(preset.repo_id)
        if found is None:
            status = f"not here ({preset.download})"
        elif not found.complete:
            status = "configs only"
        else:
            status = f"here ({_size(found.size_bytes)})"
        d = preset.defaults
        steps = f"{d.steps} step{'s' if d.steps > 1 else ''}"
        out.print(
            f"  {preset.name:<13} {status:<20} {steps:>8}, guidance {d.guidance:<3g} "
            f"{d.native:>4} px  {preset.repo_id}",
            soft_wrap=True,
        )
    out.print("get one with: deckcast models pull NAME")
    preset_ids = {p.repo_id for p in PRESETS.values()}
    others = [m for m in local.values() if m.repo_id not in preset_ids]
    if others:
        out.print(f"other diffusers models in {escape(str(cache))}:", soft_wrap=True)
        for model in others:
            state = "" if model.complete else " (configs only)"
            out.print(
                f"  {escape(model.repo_id)}  {model.pipeline_class}  "
                f"{_size(model.size_bytes)}{state}",
                soft_wrap=True,
            )
    else:
        out.print(f"no other diffusers models in {escape(str(cache))}", soft_wrap=True)
    wanted = settings.image_model or DEFAULT_PRESET
    try:
        source = locate(
            wanted,
            cache_dir=cache,
            config=settings.image_model_config,
            preset=settings.image_preset,
            hints=MODEL_HINTS,
        )
        out.print(
            f"configured model: {escape(wanted)} -> {escape(str(source.path))}", soft_wrap=True
        )
    except ModelNotFoundError as exc:
        out.print(
            f"configured model: {escape(wanted)} -> not usable: {escape(str(exc))}",
            soft_wrap=True,
        )


@models_app.command("pull")
@friendly_errors
def pull_model(ctx: typer.Context, model: IdArg, configs_only: ConfigsOnlyOpt = False) -> None:
    """Download a diffusion model into the Hugging Face cache (the one command that does).

    Only what deckcast loads is fetched: the configs, the tokenizer and one set of weights per
    part (fp16 when the model has them), not every format the model page offers.
    """
    settings: Settings = ctx.obj
    token = settings.hf_token.get_secret_value() if settings.hf_token else None
    folder = pull(
        model,
        cache_dir=settings.hf_cache_dir,
        endpoint=settings.hf_endpoint,
        token=token,
        configs_only=configs_only,
        progress=lambda message: console.print(escape(message)),
    )
    files = [f for f in folder.rglob("*") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    out.print(f"[bold green]✓[/] {escape(model)}: {len(files)} files, {_size(size)}")
    out.print(f"  {escape(str(folder))}", soft_wrap=True)
    if not configs_only:
        out.print(
            f"  use it: DECKCAST_IMAGE_MODEL={escape(model)} deckcast render OUTLINE.md "
            "--images diffusers"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
