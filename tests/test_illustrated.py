"""The illustrated backend: pictures that show what the slide names, or nothing wrong.

The matcher is measured on the planner-style prompts in ``tests/data/picture_prompts.txt``,
each with the nouns a reader finds in it, written by hand: the drawn subject must be one of
them (the share is the hit rate), and nothing else may be drawn (a false picture).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from deck import THEMES, Layout
from render.frame import FrameSpec
from render.images.arrangement import arrange, free_boxes
from render.images.artset import ART_DIR, LICENCE_FILES, art_set
from render.images.base import ImageRequest
from render.images.illustrated import IllustratedBackend
from render.images.matching import (
    bundled_language,
    choose_subjects,
    describe,
    stem,
    strip_style,
    words_naming,
)
from render.images.procedural import paint
from render.images.vector import icon_svg, rasterize
from render.layout import image_size, text_area

PROMPTS = Path(__file__).parent / "data" / "picture_prompts.txt"
ROOT = Path(__file__).resolve().parent.parent


def _cases() -> list[tuple[str, str, str, list[str]]]:
    cases = []
    for line in PROMPTS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        language, title, prompt, nouns = (part.strip() for part in line.split("|"))
        cases.append((language, title, prompt, [n.strip() for n in nouns.split(",") if n]))
    return cases


def _fold(word: str) -> str:
    from render.images.matching import _fold as fold

    return fold(word)


def _judge(seed: int) -> tuple[int, int, list[str]]:
    """(hits, prompts with nouns, false pictures) over the whole list for one seed."""
    art = art_set()
    hits, concrete, false = 0, 0, []
    for language, title, prompt, nouns in _cases():
        languages = {bundled_language(language, art), "en"}
        wanted = {stem(_fold(w), lang) for n in nouns for w in n.split() for lang in languages}
        subjects = choose_subjects(prompt, seed, title=title, language=language)
        concrete += bool(nouns)
        main = subjects.main
        hits += bool(main and words_naming(main.name, languages) & wanted)
        false += [
            f"{title}: {pick.name} for '{pick.word}' ({describe(subjects)})"
            for pick in subjects.all
            if not words_naming(pick.name, languages) & wanted
        ]
    return hits, concrete, false


def test_the_prompt_list_is_long_enough_and_mixed():
    cases = _cases()
    assert len(cases) >= 100
    assert sum(1 for c in cases if not c[3]) >= 5  # abstract slides
    assert len({c[0] for c in cases}) >= 5  # languages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drawn_subjects_are_nouns_of_the_prompt_and_nothing_else_is_drawn(seed):
    hits, concrete, false = _judge(seed)
    print(f"seed {seed}: hit rate {hits}/{concrete} = {hits / concrete:.3f}")
    assert hits / concrete >= 0.8, f"hit rate {hits}/{concrete}"
    assert false == []


TREES = ("deciduous-tree", "evergreen-tree", "palm-tree")


@pytest.mark.parametrize(
    ("language", "prompt", "main"),
    [
        # Chinese and Japanese name many things with one character
        ("zh", "一只猫在睡觉", "cat"),
        ("zh", "一只狗在公园里跑", "dog"),
        ("zh", "鱼在水里游", "fish"),
        ("zh", "一匹马在草原上", "horse"),
        # ... and common words hold them without meaning them: 马上 "at once", 马虎 "careless"
        ("zh", "大家马上就到", None),
        ("zh", "小明马虎了", None),
        ("zh", "马路上的汽车", "automobile"),
        ("zh", "一棵树", TREES),
        ("zh", "火在燃烧", "fire"),
        ("zh-hant", "一隻貓在睡覺", "cat"),
        ("ja", "猫が寝ている", "cat"),
        ("ja", "魚が泳いでいる", "fish"),
        ("ja", "鳥が空を飛ぶ", "bird"),
        ("ja", "火が燃える", "fire"),
        ("ja", "木の下で", TREES),
        ("ja", "馬に乗る", "horse"),
        # ... but not inside a longer word, named or not
        ("zh", "一只熊猫在吃竹子", "panda"),
        ("zh", "猫头鹰在夜里", "owl"),
        ("zh", "火山喷发", "volcano"),
        ("zh", "火箭发射", "rocket"),
        ("ja", "火山の噴火", "volcano"),
        ("ja", "人口の増加", None),
        ("zh", "人口增长", None),
        # colours and nationalities are qualities; a whole name still matches
        ("en", "the French revolution, crowds storming the Bastille", None),
        ("en", "Chinese New Year celebrations in the street", None),
        ("nl", "de Franse revolutie", None),
        ("en", "a plate of french fries", "french-fries"),
        # a nation's kind of a thing only when the nation is said: fútbol is a football
        ("es", "la historia del fútbol", "soccer-ball"),
        ("fr", "le football en France", "soccer-ball"),
        ("pt", "futebol na praia", "soccer-ball"),
        ("es", "el fútbol americano", "american-football"),
        ("fr", "des frites", "french-fries"),  # no plain kind to prefer: frites are fries
        # "culture" is a people's ways; the petri dish only by its own name
        ("en", "company culture", None),
        ("pt", "a cultura brasileira", None),
        ("en", "a petri dish with a bacteria culture", ("petri-dish", "microbe")),
        ("en", "a green apple on a table", "green-apple"),
        ("de", "ein grüner Apfel", "green-apple"),
        ("es", "una manzana verde", "green-apple"),
        ("en", "orange juice", ("cup-with-straw", "beverage-box")),
        # the way the prompt says
        ("en", "a stock market chart going up", "chart-increasing"),
        ("en", "a stock market chart going down", "chart-decreasing"),
        ("en", "sales falling sharply, a chart", "chart-decreasing"),
        ("en", "population growth over time", "chart-increasing"),
        ("zh", "股市图表下跌", "chart-decreasing"),
    ],
)
def test_the_main_subject_is_the_one_the_prompt_names(language, prompt, main):
    for seed in (1, 2, 3):
        subjects = choose_subjects(prompt, seed, language=language)
        picked = subjects.main.name if subjects.main else None
        expected = main if isinstance(main, tuple) else (main,)
        assert picked in expected, f"{prompt}: {describe(subjects)}"


@pytest.mark.parametrize(
    ("language", "prompt", "allowed"),
    [
        ("fr", "une feuille verte au soleil", {"herb", "sun"}),  # not a green apple
        ("es", "un perro jugando en el parque", {"dog", "national-park"}),  # not golf
        ("fr", "des enfants jouant au ballon", {"child", "soccer-ball"}),  # not handball
        ("de", "ein schwarzer Hund", {"dog"}),  # not a black cat
        ("en", "a glass of water", {"droplet", "clinking-glasses", "tumbler-glass"}),  # no milk
    ],
)
def test_quality_and_action_words_draw_nothing_alone(language, prompt, allowed):
    for seed in (1, 2, 3):
        subjects = choose_subjects(prompt, seed, language=language)
        assert {p.name for p in subjects.all} <= allowed, f"{prompt}: {describe(subjects)}"


def test_a_chart_with_no_way_named_is_not_the_falling_one():
    for seed in range(1, 7):
        subjects = choose_subjects("a stock market chart", seed)
        assert subjects.main is not None and subjects.main.name != "chart-decreasing"


def test_the_decks_style_and_style_words_are_not_subjects():
    ocean = THEMES["ocean"].image_style  # "... ocean tones": not a picture of the ocean
    assert strip_style(f"fair rules for everyone, {ocean}") == "fair rules for everyone"
    assert choose_subjects(f"fair rules for everyone, {ocean}", 1).main is None
    assert choose_subjects("a watercolour painting in soft golden light, close-up", 1).main is None


def test_the_title_is_read_when_the_prompt_names_nothing():
    subjects = choose_subjects("fairness and trust", 4, title="Bees and flowers")
    assert subjects.source == "title"
    assert subjects.main is not None and subjects.main.name == "honeybee"


def test_the_decks_language_is_matched():
    german = choose_subjects("eine Biene auf einer Blume", 1, language="de")
    assert german.main is not None and german.main.name == "honeybee"
    assert "flower" in describe(german) or "blossom" in describe(german)
    french = choose_subjects("un volcan sous la pluie", 1, language="fr-CA")
    assert french.main is not None and french.main.name == "volcano"


def test_new_seeds_give_other_subjects_or_arrangements():
    backend = IllustratedBackend()
    base = ImageRequest(
        "a tree on a hill under the sun", 1, (320, 180), THEMES["light"].palette.art
    )
    pictures = [np.asarray(backend.paint(_with_seed(base, s))) for s in range(1, 7)]
    assert np.array_equal(pictures[0], np.asarray(backend.paint(base)))  # deterministic
    distinct = {p.tobytes() for p in pictures}
    assert len(distinct) == 6
    mains = {backend.subjects(_with_seed(base, s)).main.name for s in range(1, 30)}  # type: ignore[union-attr]
    assert len(mains) >= 2, mains  # several trees fit "tree"


def _with_seed(request: ImageRequest, seed: int) -> ImageRequest:
    return ImageRequest(request.prompt, seed, request.size, request.palette)


def test_nothing_to_draw_gives_the_abstract_background():
    backend = IllustratedBackend()
    request = ImageRequest("the idea of democracy", 5, (320, 180), THEMES["dark"].palette.art)
    assert np.array_equal(
        np.asarray(backend.paint(request)),
        np.asarray(paint(request.prompt, 5, (320, 180), THEMES["dark"].palette.art)),
    )


def test_pictures_are_in_the_themes_colours():
    backend = IllustratedBackend()
    for theme, darker in (("light", False), ("dark", True)):
        palette = THEMES[theme].palette.art
        picture = np.asarray(backend.paint(ImageRequest("a whale", 3, (320, 180), palette)))
        corners = np.concatenate([picture[:8, :8], picture[:8, -8:]]).reshape(-1, 3).mean(0)
        assert (corners.mean() < 110) == darker, (theme, corners)


def _edge_share(image: Image.Image) -> float:
    """Of the sharp steps along rows (a change of over 120 levels within three pixels), the
    share whose middle pixel lies strictly between its neighbours: an anti-aliased edge."""
    a = np.asarray(image.convert("L"), dtype=np.int32)
    left, mid, right = a[:, :-2], a[:, 1:-1], a[:, 2:]
    steps = np.abs(right - left) > 120
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    between = (mid > lo + 10) & (mid < hi - 10)
    return float((steps & between).sum() / max(1, steps.sum()))


def test_edges_are_anti_aliased_at_the_output_size():
    backend = IllustratedBackend()
    spec = FrameSpec.of("16:9", 1080)
    request = ImageRequest(
        "a red apple and a green leaf",
        2,
        image_size(Layout.FULL_IMAGE, spec),
        ("#ffffff", "#f4f4f4"),
        keep_clear=text_area(Layout.FULL_IMAGE, spec),
    )
    picture = backend.paint(request)
    assert picture.size == (1920, 1080)
    smooth = _edge_share(picture)
    # The same picture with its edges made hard (as an upscaled bitmap or unsmoothed
    # polygons would have them) fails the measure: it can tell the two apart.
    hard = picture.resize((480, 270), Image.Resampling.NEAREST).resize(
        (1920, 1080), Image.Resampling.NEAREST
    )
    assert smooth > 0.5 > _edge_share(hard), (smooth, _edge_share(hard))
    icon = rasterize(icon_svg(art_set().body("red-apple")), 256, 256)
    alpha = np.asarray(icon.getchannel("A"))
    assert ((alpha > 0) & (alpha < 255)).sum() > 200  # partial coverage along the outline


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
@pytest.mark.parametrize("layout", [Layout.FULL_IMAGE, Layout.TITLE])
def test_subjects_keep_out_of_the_text_panel(aspect, layout):
    spec = FrameSpec.of(aspect, 1080)
    w, h = image_size(layout, spec)
    clear = [(x0 * w, y0 * h, x1 * w, y1 * h) for x0, y0, x1, y1 in text_area(layout, spec)]
    for seed in range(8):
        rng = np.random.default_rng(seed)
        for p in arrange("sun", ["cloud", "droplet"], (w, h), clear, rng):
            x0, y0, x1, y1 = p.box
            assert x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h
            for c in clear:
                overlap = max(0, min(y1, c[3]) - max(y0, c[1])) * (
                    max(0, min(x1, c[2]) - max(x0, c[0]))
                )
                # a full-picture layout leaves the panel free; a title tucks each element
                # under the panel's edge by at most a third of it
                limit = 0 if layout is Layout.FULL_IMAGE else 0.35 * p.size * p.size
                assert overlap <= limit + 1, (p, c)
    assert free_boxes((w, h), clear)[0] != (0.0, 0.0, float(w), float(h))


def test_cache_id_names_everything_that_changes_the_picture():
    backend = IllustratedBackend()
    a = ImageRequest("a whale", 1, (320, 180), ("#000000",))
    b = ImageRequest("a whale", 1, (320, 180), ("#000000",), title="Whales")
    c = ImageRequest("a whale", 1, (320, 180), ("#000000",), keep_clear=((0, 0.7, 1, 1),))
    ids = [backend.cache_id(r) for r in (a, b, c)]
    assert ids[0] != ids[1] != ids[2] != ids[0]
    assert ids[0]["subjects"] == ["whale"]  # a matcher that reads it otherwise makes it anew
    assert "art" in ids[0]


def test_the_bundled_set_is_small_and_licensed():
    art = art_set()
    size = sum(p.stat().st_size for p in ART_DIR.glob("*.gz"))
    assert len(art.names) >= 500
    assert size < 2_000_000
    for name in LICENCE_FILES:
        assert (ART_DIR / name).read_text().strip()
    attribution = (ART_DIR / "ATTRIBUTION.md").read_text()
    assert f"{len(art.names)} illustrations" in attribution
    assert "MIT" in attribution and "Unicode License" in attribution


@pytest.mark.slow
def test_the_wheel_ships_the_art_and_its_licences(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("deckcast-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("icons.json.gz", "index.json.gz", "ATTRIBUTION.md", *LICENCE_FILES):
        assert f"render/images/art/{name}" in names
