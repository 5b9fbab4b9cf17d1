"""Which bundled illustrations a picture prompt names: a main subject and up to two more.

A prompt's words are folded (case, accents) and reduced to a plain stem ("leaves" -> "leaf",
"Blätter" -> "blatt") in the deck's language, then looked up in the illustrations' words in that
language (English when the deck's language has none, or nothing matched in it). A word that is
an illustration's head word ("apple" in "red apple") names it more strongly than a keyword, and
a keyword more strongly than another word of its name ("water" in "water pistol"); earlier
words of the prompt weigh more, as planners put the subject first. Style words ("watercolour",
"close-up") and the deck's style are not read. Colour and nationality words ("green",
"française") name nothing alone, though a colour tints the choice for the word beside it and a
whole name with one still matches ("french fries"); a way said ("going up") picks the
illustration that shows it. Chinese and Japanese, written without spaces, are matched by
substring, but not inside a longer matched word ("猫" in "熊猫" is a panda). When the prompt
names nothing the title is read; when neither does, there is no subject and the picture is
abstract: a wrong subject is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from deck import THEMES

from .artset import HEAD, KEYWORD, NAME, ArtSet, Terms, art_set
from .prompt_words import (
    ABSTRACT_KEYWORDS,
    DETERMINERS,
    ENGLISH_MARKERS,
    FALLING,
    FRAMING,
    ING_NOUNS,
    NOT_A_THING,
    RISING,
    SHOWS_FALLING,
    SHOWS_RISING,
    STYLE_WORDS,
    WORDS_NAMING_NOTHING,
)
from .qualities import (
    asked_colours,
    national,
    nationalities,
    near_colours,
    plain_kind,
    quality_words,
)
from .word_forms import UNSPACED, WORD, stem
from .word_forms import fold as _fold

COMPOUNDING = ("de", "nl", "sv", "da", "nb")  # languages that write compounds as one word
MIN_SUPPORT = HEAD  # a supporting element must be named by its name, not a keyword


@dataclass(frozen=True, slots=True)
class Pick:
    """One illustration to draw: its name, the prompt word that named it and how strongly."""

    name: str
    word: str
    score: float


@dataclass(frozen=True, slots=True)
class Subjects:
    """What a picture shows: ``main`` (``None``: nothing matched, draw an abstract picture)
    and up to two supporting illustrations; ``source`` says whether the prompt or the title
    named them."""

    main: Pick | None
    supporting: tuple[Pick, ...] = ()
    source: str = "prompt"

    @property
    def all(self) -> tuple[Pick, ...]:
        return (self.main, *self.supporting) if self.main else ()


def choose_subjects(
    prompt: str,
    seed: int,
    *,
    title: str = "",
    language: str = "en",
    style: str = "",
    art: ArtSet | None = None,
) -> Subjects:
    """The illustrations for a slide. Deterministic; ``seed`` picks among equally good ones."""
    art = art or art_set()
    text = strip_style(prompt, style)
    for source, words in (("prompt", text), ("title", title)):
        if not words.strip():
            continue
        subjects = _choose(words, seed, language, art)
        if subjects.main is not None:
            return Subjects(subjects.main, subjects.supporting, source)
    return Subjects(None)


def strip_style(prompt: str, style: str = "") -> str:
    """``prompt`` without the deck's style appended to it (the given one, or a theme's)."""
    styles = [style] if style else []
    styles += [spec.image_style for spec in THEMES.values()]
    for s in styles:
        s = s.strip()
        if s and prompt.rstrip().lower().endswith(s.lower()):
            prompt = prompt.rstrip()[: -len(s)].rstrip(" ,;")
            break
    # Trailing notes on framing ("..., landscape", "..., close-up, top view") are not subjects.
    parts = prompt.split(",")
    while len(parts) > 1 and set(WORD.findall(parts[-1].lower())) <= FRAMING:
        parts.pop()
    return ",".join(parts)


@dataclass(frozen=True, slots=True)
class _Match:
    icon: int
    weight: float
    word: str
    rank: int  # position of the word among the prompt's content words
    modifier: bool = False  # the word is followed by another matched noun ("tree frog")
    tone: frozenset[str] | None = None  # colours said next to the word (None: the prompt's)


def _choose(text: str, seed: int, language: str, art: ArtSet) -> Subjects:
    language = bundled_language(language, art)
    matches = _matches(text, language, art)
    if not matches and language != "en" and _looks_english(text):
        language, matches = "en", _matches(text, "en", art)
    if not matches:
        return Subjects(None)
    scored, words = _score(matches, text, language, art)
    ranked = sorted(scored, key=lambda icon: (-scored[icon][0], art.names[icon]))
    best, main_word = scored[ranked[0]][0], words[ranked[0]]
    # Near-equals for the best word are alternatives: another seed draws another of them.
    alternatives = [i for i in ranked if words[i] == main_word and scored[i][0] >= best * 0.97]
    main = alternatives[seed % len(alternatives)]
    used = {main_word}
    supporting: list[Pick] = []
    for icon in ranked:
        # A keyword may name a quality or a custom rather than the thing ("pirate" for a
        # parrot, "medieval" for a crown): only the main subject may come from a keyword.
        if icon == main or words[icon] in used or scored[icon][1] < MIN_SUPPORT:
            continue
        supporting.append(Pick(art.names[icon], words[icon], round(scored[icon][0], 3)))
        used.add(words[icon])
        if len(supporting) == 2:
            break
    return Subjects(Pick(art.names[main], main_word, round(scored[main][0], 3)), tuple(supporting))


def _score(
    matches: list[_Match], text: str, language: str, art: ArtSet
) -> tuple[dict[int, list[float]], dict[int, str]]:
    """Each matched illustration's [score, strongest weight], and the word that named it."""
    folded = set(WORD.findall(_fold(text)))
    prompt_tone = asked_colours(_fold(text), language, art)
    stems = {stem(w, language) for w in folded}
    scored: dict[int, list[float]] = {}
    words: dict[int, str] = {}
    tones: dict[int, set[str]] = {}
    named_by: dict[int, set[str]] = {}
    for m in matches:
        named_by.setdefault(m.icon, set()).add(m.word)
        # "a green leaf in the sun": green tints the leaf, not the sun
        tones.setdefault(m.icon, set()).update(prompt_tone if m.tone is None else m.tone)
        score = m.weight / (1.0 + 0.18 * m.rank) * (0.8 if m.modifier else 1.0)
        entry = scored.setdefault(m.icon, [0.0, 0.0])
        if entry[0]:  # a second word naming the same illustration: "sun behind cloud"
            if score > entry[0]:
                words[m.icon] = m.word
            entry[0] = max(entry[0], score) + 0.25 * min(entry[0], score)
        else:
            entry[0], words[m.icon] = score, m.word
        entry[1] = max(entry[1], m.weight)
    english = art.terms("en")
    assert english is not None
    said_nationality = bool(folded & (nationalities(language, art) | nationalities("en", art)))
    for icon, entry in scored.items():
        tone = tones[icon]
        name_colours = art.colours[icon]
        shown = name_colours or art.drawn_in.get(icon, frozenset())
        if shown and tone:  # "a green leaf": the green ones, not the brown fallen one
            entry[0] *= 1.15 if shown & tone else 0.6
        if icon in art.occasions and not art.occasions[icon] & folded:
            entry[0] *= 0.7  # the Christmas tree only for Christmas
        if not said_nationality and national(icon, art) and plain_kind(icon, named_by, art):
            entry[0] *= 0.6  # "fútbol": a football, not the American one, unless one is said
        entry[0] *= _direction_factor(icon, folded, len(named_by[icon]), art)
        entry[0] *= _contents_factor(art.names[icon], _fold(text), stems)
        # "police car" for "car": each name word not asked for costs a little, unless the word
        # matched was a curated synonym (soccer ball for "football"). Other languages' names
        # cannot be compared with the English ones: every extra word costs there.
        head = english.head[icon]
        if language != "en" or (head and stem(_fold(head[0]), "en") == words[icon]):
            unasked = [w for w in english.name[icon] if stem(_fold(w), "en") not in stems]
            unasked += name_colours - tone  # "red heart" for "heart"
            entry[0] *= 0.85 ** min(2, len(unasked))
    return scored, words


def _contents_factor(name: str, folded: str, stems: set[str]) -> float:
    """A "glass of milk" for "a glass of orange juice": the prompt says what the glass holds,
    and it is not milk. Only "X of Y" illustrations; the other side unasked costs as a name
    word does, said otherwise more."""
    if "-of-" not in name:
        return 1.0
    holder, contents = name.split("-of-", 1)
    if stem(contents.split("-")[-1], "en") in stems:
        return 1.0
    says = re.search(rf"\b{re.escape(holder.split('-')[-1])}e?s? of \w+", folded)
    return 0.6 if says else 0.85


def _direction_factor(icon: int, folded: set[str], words: int, art: ArtSet) -> float:
    """ "A chart going up": the increasing one, not the decreasing one; the way the prompt says
    (in English words, or in a second word naming the illustration: "图表下跌"), and where it
    says none, not the falling one ("a stock market chart" is no crash)."""
    shown = set(art.names[icon].split("-"))
    way = (1 if shown & SHOWS_RISING else 0) - (1 if shown & SHOWS_FALLING else 0)
    if not way:
        return 1.0
    said = (1 if folded & RISING else 0) - (1 if folded & FALLING else 0)
    if said:
        return 1.15 if said == way else 0.6
    return 0.9 if way < 0 and words < 2 else 1.0


def _looks_english(text: str) -> bool:
    return len(set(WORD.findall(text.lower())) & ENGLISH_MARKERS) >= 2


def _matches(text: str, language: str, art: ArtSet) -> list[_Match]:
    """Every (illustration, weight, prompt word, rank of the word) that ``text`` names."""
    terms = art.terms(language)
    if terms is None:
        return []
    found: list[_Match] = []
    if language in UNSPACED:
        return _substring_matches(_fold(text), language, art)
    tokens = _tokens(text, language, art)
    colours, near = near_colours(WORD.findall(_fold(text)), language, art)
    consumed: set[int] = set()
    if language == "en":  # an illustration's whole name, in order: "fountain pen", "ice cube"
        stems = [t[1] for t in tokens]
        for at, (_, first, _) in enumerate(tokens):
            for icon, phrase, head in _phrases(art).get(first, ()):
                if stems[at : at + len(phrase)] == list(phrase) and not consumed & set(
                    range(at, at + len(phrase))
                ):
                    span = range(at, at + len(phrase))
                    tone = frozenset().union(*(near[i] | colours[i] for i in span))
                    found.append(_Match(icon, HEAD + 1.0, head, tokens[at][2], tone=tone))
                    consumed.update(range(at, at + len(phrase)))
    lexicon = _reverse_lexicon(language, art)
    seen: set[str] = set()
    for at, (content, word, rank) in enumerate(tokens):
        if not content or at in consumed or word in seen:
            continue
        seen.add(word)
        after = tokens[at + 1] if at + 1 < len(tokens) else None
        modifier = (
            bool(after and after[0] and at + 1 not in consumed and after[1] in lexicon)
            or _holds(tokens, at, lexicon)
        ) and language == "en"
        hits = lexicon.get(word, ())
        if not hits and language in COMPOUNDING and len(word) >= 7:
            hits, word = _compound(word, language, art)
        for icon, weight in hits:
            if weight == KEYWORD and word in ABSTRACT_KEYWORDS:
                continue  # "culture": a people's ways, not the petri dish's bacteria
            found.append(_Match(icon, weight, word, rank, modifier, near[at]))
    return found


def _holds(tokens: list[tuple[bool, str, int]], at: int, lexicon: Mapping[str, object]) -> bool:
    """Whether the word at ``at`` holds a named thing: "a glass of water" (the water is the
    subject), read as a modifier is ("tree frog")."""
    if at + 1 >= len(tokens) or tokens[at + 1][1] != "of":
        return False
    for content, word, _ in tokens[at + 2 :]:
        if content:
            return word in lexicon
    return False


def _substring_matches(folded: str, language: str, art: ArtSet) -> list[_Match]:
    """Matches in text written without spaces: each word of the lexicon where it occurs, but
    not inside a longer matched word ("猫" in "熊猫" is a panda, "火" in "火山" a volcano)."""
    spans: dict[tuple[int, int], list[tuple[int, float, str]]] = {}
    for word in WORDS_NAMING_NOTHING.get(language, ()):  # they hide the names inside them
        at = folded.find(word)
        while at >= 0:
            spans.setdefault((at, at + len(word)), [])
            at = folded.find(word, at + 1)
    for icon, words in _lexicon(language, art).items():
        for weight, word in words:
            at = folded.find(word)
            while at >= 0:
                spans.setdefault((at, at + len(word)), []).append((icon, weight, word))
                at = folded.find(word, at + 1)
    kept = [
        (start, end)
        for start, end in sorted(spans)
        if not any(s <= start and end <= e and e - s > end - start for s, e in spans)
    ]
    singles = {  # single characters that are an illustration's name ("马", not "条")
        start
        for start, end in kept
        if end - start == 1 and any(weight >= HEAD for _, weight, _ in spans[(start, end)])
    }
    found: list[_Match] = []
    seen: set[tuple[int, str]] = set()
    for start, end in kept:
        if end - start == 1 and _in_a_word(folded, start, singles, language):
            continue
        for icon, weight, word in spans[(start, end)]:
            if (icon, word) not in seen:
                seen.add((icon, word))
                found.append(_Match(icon, weight, word, start // 3))
    return found


def _in_a_word(folded: str, at: int, singles: set[int], language: str) -> bool:
    """Whether the single character at ``at`` is likely a part of a longer word that names
    nothing: beside another single character that is a name ("人口", population, is no person
    and no mouth), or in Japanese, where kana set words apart, beside any other kanji."""
    if at - 1 in singles or at + 1 in singles:
        return True
    if language != "ja":
        return False
    around = folded[max(0, at - 1) : at] + folded[at + 1 : at + 2]
    return any("\u4e00" <= c <= "\u9fff" for c in around)


def _compound(word: str, language: str, art: ArtSet) -> tuple[tuple[tuple[int, float], ...], str]:
    """A compound's last part that names an illustration ("Laubbaum" -> "baum"), else its
    first ("Sonnenlicht" -> "sonn"), weighed lower than the word itself."""
    lexicon = _reverse_lexicon(language, art)
    parts = sorted((k for k in lexicon if len(k) >= 4 and k != word), key=len, reverse=True)
    for test, factor in ((word.endswith, 0.9), (word.startswith, 0.7)):
        for part in parts:
            named = tuple((i, w * factor) for i, w in lexicon[part] if w >= HEAD)
            if named and test(part):
                return named, part
    return (), word


def _tokens(text: str, language: str, art: ArtSet) -> list[tuple[bool, str, int]]:
    """Every word of ``text``: (is it a content word, its stem, its rank among content words)."""
    stop = art.stopwords.get(language, frozenset())
    qualities = quality_words(language, art)
    out: list[tuple[bool, str, int]] = []
    rank = 0
    raw = WORD.findall(_fold(text))
    for i, word in enumerate(raw):
        content = not (
            len(word) < 3
            or word.isdigit()
            or word in stop
            or word in qualities  # "French", "verte": what it is like, not what it is
            or (language == "en" and word in STYLE_WORDS)
            or (word in NOT_A_THING and i + 1 < len(raw) and raw[i + 1] in NOT_A_THING[word])
            or (language == "en" and _verb_form(word, raw[i - 1] if i else ""))
        )
        out.append((content, stem(word, language), rank))
        rank += content
    return out


def _verb_form(word: str, before: str) -> bool:
    """An English "-ing" word read as a verb ("children building a snowman") unless an article
    makes it a noun ("a building")."""
    return (
        word.endswith("ing")
        and len(word) > 5
        and word not in ING_NOUNS
        and before not in DETERMINERS
    )


@cache
def _phrases(art: ArtSet) -> dict[str, tuple[tuple[int, tuple[str, ...], str], ...]]:
    """English multi-word names by first stem: (illustration, stems, head word)."""
    terms = art.terms("en")
    assert terms is not None
    table: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
    for icon, name in enumerate(art.names):
        words = [stem(w, "en") for w in name.split("-")]
        head = terms.head[icon][0] if terms.head[icon] else words[-1]
        cuts = [len(words)]
        if stem(head, "en") in words:  # "magnifying glass" of "magnifying glass tilted left"
            cuts.append(words.index(stem(head, "en")) + 1)
        for cut in set(cuts):
            if cut >= 2:
                table.setdefault(words[0], []).append((icon, tuple(words[:cut]), head))
    return {first: tuple(sorted(v, key=lambda e: -len(e[1]))) for first, v in table.items()}


def bundled_language(language: str, art: ArtSet) -> str:
    """The bundled language closest to the deck's: "pt-BR" -> "pt", "zh-TW" -> "zh-hant"."""
    code = language.lower()
    if code in ("zh-tw", "zh-hk", "zh-mo") or code.startswith("zh-hant"):
        code = "zh-hant"
    if code in ("no", "nn"):
        code = "nb"
    if code not in art.languages:
        code = code.split("-")[0]
    return code if code in art.languages else "en"


@cache
def _reverse_lexicon(language: str, art: ArtSet) -> dict[str, tuple[tuple[int, float], ...]]:
    """stem -> the illustrations it names, each with the strongest weight it names it by."""
    best: dict[str, dict[int, float]] = {}
    for icon, words in _lexicon(language, art).items():
        for weight, word in words:
            key = stem(word, language)
            icons = best.setdefault(key, {})
            icons[icon] = max(icons.get(icon, 0.0), weight)
    return {key: tuple(icons.items()) for key, icons in best.items()}


@cache
def _lexicon(language: str, art: ArtSet) -> dict[int, tuple[tuple[float, str], ...]]:
    terms = art.terms(language)
    assert terms is not None
    out: dict[int, tuple[tuple[float, str], ...]] = {}
    for icon in range(len(art.names)):
        words = [
            *((HEAD, _fold(w)) for w in terms.head[icon]),
            *((KEYWORD, _fold(w)) for w in terms.keywords[icon]),
            *((NAME, _fold(w)) for w in terms.name[icon]),
        ]
        out[icon] = tuple(words)
    return out


def words_naming(icon_name: str, languages: Iterable[str], art: ArtSet | None = None) -> set[str]:
    """Every stem by which ``icon_name`` is known in ``languages`` (for tests and reports)."""
    art = art or art_set()
    icon = art.names.index(icon_name)
    out: set[str] = set()
    for language in languages:
        terms: Terms | None = art.terms(language)
        if terms is not None:
            out |= {stem(_fold(w), language) for w in terms.words_of(icon)}
    return out


def describe(subjects: Subjects) -> str:
    """ "herb (leaf) + sun (sunlight)": for logs and test failures."""
    parts: Sequence[Pick] = subjects.all
    return " + ".join(f"{p.name} ({p.word})" for p in parts) or "abstract"
