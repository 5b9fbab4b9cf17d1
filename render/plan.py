"""The plan of a render: what each slide needs, decided from the deck and options alone.

Frame size, theme, encoder settings, each slide's layout and picture request, and the cache
keys that follow from them, computed before any work and without touching a file, so that a
render and an export of the same deck ask for the very same pictures (and find them cached).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from deck import Deck, Layout, Slide, ThemeSpec, theme_spec

from .audio import SAMPLE_RATE
from .elements import check_deck, element_layout
from .encode import FADE_X264, EncodeSettings
from .errors import RenderError
from .frame import FrameSpec
from .frames import frame_key
from .images.base import ImageBackend, ImageRequest
from .language import with_language
from .layout import auto_layout, image_size, text_area
from .options import CaptionMode, RenderOptions, Transition
from .pictures import blank_key, image_key


@dataclass(frozen=True, slots=True)
class RenderPlan:
    """One deck's work under one set of options, for one picture backend."""

    deck: Deck
    options: RenderOptions
    spec: FrameSpec
    theme: ThemeSpec
    crossfade: bool
    fps: int
    settings: EncodeSettings
    layouts: tuple[Layout, ...]
    requests: tuple[ImageRequest, ...]
    image_keys: tuple[str, ...]  # each slide's picture, as the backend would make it
    # Whether each slide shows its picture: a chart, code or equation beside bullets covers
    # the picture's place, so none is made for it (a full-frame element keeps it, faded).
    pictured: tuple[bool, ...]

    @classmethod
    def of(cls, deck: Deck, options: RenderOptions, images: ImageBackend) -> RenderPlan:
        """The plan, or a :class:`RenderError` naming the option that cannot work."""
        crossfade = Transition(options.transition) is Transition.CROSSFADE
        fps = options.fps  # cross-fades get their own frame rate, only where they are
        try:
            captions = options.caption_mode
        except ValueError:
            raise RenderError(
                f"captions '{options.captions}' is not a caption style: none, lines or words"
            ) from None
        if captions is CaptionMode.WORDS:  # a word lasts less than a frame at 2 fps
            fps = max(fps, options.words_fps)
        if SAMPLE_RATE % fps:
            raise RenderError(
                f"fps {fps} must divide {SAMPLE_RATE} (try 1, 2, 4, 5, 8, 12, 24 or 25)"
            )
        deck = with_language(deck)  # a deck marked English whose text is not: its language
        check_deck(deck.slides)  # an equation that does not parse fails here, at once
        spec = FrameSpec.of(deck.aspect, options.resolution)
        theme = theme_spec(deck.theme.name)
        layouts = tuple(auto_layout(slide, i) for i, slide in enumerate(deck.slides))
        requests = tuple(
            ImageRequest(
                _prompt(deck, slide),
                slide.image_seed,
                image_size(layout, spec),
                theme.palette.art,
                title=slide.title,
                language=deck.language,
                style=deck.theme.style,
                keep_clear=text_area(layout, spec),
            )
            for slide, layout in zip(deck.slides, layouts, strict=True)
        )
        pictured = tuple(
            slide.element is None or element_layout(layout, bool(slide.bullets))
            for slide, layout in zip(deck.slides, layouts, strict=True)
        )
        return cls(
            deck=deck,
            options=options,
            spec=spec,
            theme=theme,
            crossfade=crossfade,
            fps=fps,
            settings=EncodeSettings(
                fps,
                options.crf,
                audio_bitrate=options.audio_bitrate,
                max_bitrate=options.max_video_bitrate,
            ),
            layouts=layouts,
            requests=requests,
            image_keys=tuple(
                image_key(request, images) if shown else blank_key(request)
                for request, shown in zip(requests, pictured, strict=True)
            ),
            pictured=pictured,
        )

    @property
    def slides(self) -> int:
        return len(self.deck.slides)

    @property
    def fade_frames(self) -> int:
        """How many of a slide's frames (at :attr:`fps`) its cross-fade into the next takes:
        ``crossfade_seconds`` on the slide's frame grid, at least one; 0 without cross-fades."""
        if not self.crossfade:
            return 0
        return max(1, round(self.options.crossfade_seconds * self.fps))

    @property
    def fade_settings(self) -> EncodeSettings:
        """How a cross-fade window is encoded: the slides' settings at the frame rate nearest
        ``crossfade_fps`` that is a whole multiple of theirs (so the window has whole frames
        at both rates and the video stays in sync with its audio)."""
        fade_fps = self.fps * max(1, round(self.options.crossfade_fps / self.fps))
        return replace(
            self.settings, fps=fade_fps, x264_params=f"{self.settings.x264_params}:{FADE_X264}"
        )

    def frame_key(self, i: int, image_key: str | None = None) -> str:
        """Slide ``i``'s frame key: composed on its planned picture, or on the one stored
        under ``image_key`` (a fallback picture has a key of its own)."""
        return frame_key(
            self.deck.slides[i],
            self.layouts[i],
            self.image_keys[i] if image_key is None else image_key,
            self.theme,
            self.spec,
            self.options,
            self.deck.language,
        )


def _prompt(deck: Deck, slide: Slide) -> str:
    """The picture prompt: the slide's, in the deck's style if it has one."""
    style = deck.theme.style
    return f"{slide.image_prompt}, {style}" if style else slide.image_prompt
