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
from .motion import Move, deck_motion, motion_fps, slide_moves
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
    moves: tuple[Move | None, ...]  # each slide's picture motion (None: a still)
    motion_settings: EncodeSettings  # how a moving slide is encoded

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
        try:
            motion = deck_motion(deck, options.motion)
        except ValueError:
            raise RenderError(
                f"unknown motion '{options.motion}'; choose none, gentle or kenburns"
            ) from None
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
        settings = EncodeSettings(
            fps,
            options.crf,
            audio_bitrate=options.audio_bitrate,
            max_bitrate=options.max_video_bitrate,
        )
        moving_fps = motion_fps(fps, options.motion_fps)
        if settings.timescale % moving_fps:
            raise RenderError(
                f"motion fps {moving_fps} must divide {settings.timescale} (try 24 or 25)"
            )
        return cls(
            deck=deck,
            options=options,
            spec=spec,
            theme=theme,
            crossfade=crossfade,
            fps=fps,
            settings=settings,
            layouts=layouts,
            requests=requests,
            image_keys=tuple(
                image_key(request, images) if shown else blank_key(request)
                for request, shown in zip(requests, pictured, strict=True)
            ),
            pictured=pictured,
            moves=slide_moves(deck, layouts, motion, captions=captions is not CaptionMode.NONE),
            motion_settings=replace(settings, fps=moving_fps, tune="film"),
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

    def encoding(self, i: int) -> tuple[EncodeSettings, int]:
        """How slide ``i``'s segment is encoded, and its frames per frame of a still slide
        (a moving slide runs at a multiple of the still frame rate, for the same length)."""
        if self.moves[i] is None:
            return self.settings, 1
        return self.motion_settings, self.motion_settings.fps // self.fps

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
