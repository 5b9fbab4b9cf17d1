"""SVG to pixels at the size they are shown: cairosvg into a cairo image surface, read back
without a PNG round trip (encoding and decoding a PNG would cost more than drawing).

cairosvg needs the cairo library (``libcairo2`` on Debian; ``make system`` installs it). Where it
cannot be loaded, :func:`vector_available` says so and the illustrated backend paints abstract
pictures instead, with the reason in :data:`INSTALL_HINT`.
"""

from __future__ import annotations

from functools import cache

from PIL import Image

INSTALL_HINT = (
    "illustrated pictures need cairosvg and the cairo library: pip install cairosvg, and "
    "apt-get install libcairo2 (make system does both)"
)


@cache
def vector_available() -> bool:
    try:
        import cairosvg.surface  # noqa: F401
    except (ImportError, OSError):  # OSError: cairocffi found no libcairo
        return False
    return True


def rasterize(svg: str, width: int, height: int) -> Image.Image:
    """Draw the SVG document ``svg`` into a ``width`` × ``height`` RGBA image (anti-aliased)."""
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface

    surface = PNGSurface(
        Tree(bytestring=svg.encode()), None, 96, output_width=width, output_height=height
    )
    try:
        target = surface.cairo
        target.flush()
        size = (target.get_width(), target.get_height())
        # cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines
        return Image.frombuffer(
            "RGBA", size, bytes(target.get_data()), "raw", "BGRa", target.get_stride(), 1
        )
    finally:
        surface.finish()


def icon_svg(body: str, *, rotate: float = 0.0, flip: bool = False, pad: float = 0.0) -> str:
    """A standalone SVG document for an icon body drawn in a 32×32 viewBox, optionally turned
    by ``rotate`` degrees and mirrored, with ``pad`` units of room around it for the turn."""
    transform = []
    if rotate:
        transform.append(f"rotate({rotate:.2f} 16 16)")
    if flip:
        transform.append("translate(32 0) scale(-1 1)")
    inner = f'<g transform="{" ".join(transform)}">{body}</g>' if transform else body
    lo, span = -pad, 32 + 2 * pad
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{lo:g} {lo:g} {span:g} {span:g}">{inner}</svg>'
    )
