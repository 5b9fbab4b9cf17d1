"""Build the illustrated backend's bundled art from the npm packages it comes from.

The art is a curated subset of Fluent Emoji Flat (Microsoft, MIT), taken from the Iconify JSON
package, with the words it is matched by taken from Unicode CLDR's emoji annotations (names and
keywords in many languages, Unicode License v3). The result is committed under
``render/images/art/``, so nothing is fetched when deckcast runs or in CI; run this script only
to change the selection or move to a new version of the sources::

    mkdir /tmp/art && cd /tmp/art
    npm pack @iconify-json/fluent-emoji-flat@1.2.6 cldr-annotations-full@48.2.0 \\
        cldr-annotations-derived-full@48.2.0 stopwords-iso@1.1.0
    cd - && python scripts/build_art.py /tmp/art

It writes ``icons.json.gz`` (name -> SVG body, viewBox 0 0 32 32), ``index.json.gz`` (per
language, each illustration's head words, other name words and keywords) and the two licence
files. Matching rules live in ``render/images/matching.py``; this script only selects and
cleans: skin-tone and gendered duplicates, faces, flags of states, keycaps and other signs are
left out, and keywords that name a feeling or a quality rather than a thing are dropped.
Colour and nationality words are listed per language as qualities (with the English colour a
colour word names), not as any illustration's words; Chinese and Japanese keep one-character
names ("猫") and the one-character keywords a name is built on.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import tarfile
from collections import Counter
from pathlib import Path

from art_curation import (  # scripts/ is on the path when this runs as a script
    ABSTRACT,
    ALSO,
    DRAWN_IN,
    DROP,
    FUNCTION,
    GENERIC_KEYWORDS,
    INFLECTIONS,
    LEFT_OUT,
    OCCASION_WORDS,
    PEOPLE,
    QUALITY_WORDS,
    SIGN_WORDS,
    SKIN_TONES,
    SYMBOLS,
    WHOLE_CATEGORIES,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "render" / "images" / "art"

ICONS_PACKAGE = "iconify-json-fluent-emoji-flat-*.tgz"
CLDR_PACKAGE = "cldr-annotations-full-*.tgz"
CLDR_DERIVED_PACKAGE = "cldr-annotations-derived-full-*.tgz"
STOPWORDS_PACKAGE = "stopwords-iso-*.tgz"

# Languages whose CLDR names and keywords are bundled (deck language codes -> CLDR locale).
LANGUAGES = {
    "en": "en",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "it": "it",
    "pt": "pt",
    "nl": "nl",
    "sv": "sv",
    "da": "da",
    "nb": "no",
    "fi": "fi",
    "pl": "pl",
    "cs": "cs",
    "ro": "ro",
    "hu": "hu",
    "tr": "tr",
    "el": "el",
    "ru": "ru",
    "uk": "uk",
    "ar": "ar",
    "he": "he",
    "hi": "hi",
    "id": "id",
    "vi": "vi",
    "ja": "ja",
    "ko": "ko",
    "zh": "zh",
    "zh-hant": "zh-Hant",
}

UNSPACED = ("zh", "zh-hant", "ja")
COLOUR_SIGNS = "🟥🟧🟨🟩🟦🟪🟫⬛⬜🔴🟠🟡🟢🔵🟣🟤⚫⚪"
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", type=Path, help="folder holding the npm pack tarballs")
    args = parser.parse_args()
    icons_tar = _one(args.packages, ICONS_PACKAGE)
    icons = json.loads(_member(icons_tar, "package/icons.json"))
    info = json.loads(_member(icons_tar, "package/info.json"))
    chars = json.loads(_member(icons_tar, "package/chars.json"))
    categories = json.loads(_member(icons_tar, "package/metadata.json"))["categories"]
    cldr = _one(args.packages, CLDR_PACKAGE)
    derived = _one(args.packages, CLDR_DERIVED_PACKAGE)
    stopwords = json.loads(
        _member(_one(args.packages, STOPWORDS_PACKAGE), "package/stopwords-iso.json")
    )

    by_name: dict[str, str] = {}
    for code, name in chars.items():
        by_name.setdefault(name, "".join(chr(int(part, 16)) for part in code.split("-")))
    chosen = [name for name in sorted(icons["icons"]) if _wanted(name, categories)]
    chosen = [name for name in chosen if name in by_name]

    index: dict[str, object] = {
        "set": info["name"],
        "version": json.loads(_member(icons_tar, "package/package.json"))["version"],
        "names": chosen,
        "categories": [_category(name, categories) for name in chosen],
        "colours": [],
        "terms": {},
        "stopwords": {},
        "occasions": {},
        "qualities": {},
    }
    english_heads: list[list[str]] = []
    english_colours: dict[str, str] = {}
    for code, locale in LANGUAGES.items():
        annotations = _annotations(cldr, derived, locale)
        rows = [_lookup(annotations, by_name[name]) for name in chosen]
        stop = set() if code == "en" else set(stopwords.get(code.split("-")[0], []))
        if code == "en":
            english_colours = _sign_colours(code, annotations)
        qualities = _qualities(code, annotations, english_colours)
        terms = _terms(code, chosen, rows, annotations, stop | set(qualities), english_heads)
        index["terms"][code] = terms  # type: ignore[index]
        index["qualities"][code] = qualities  # type: ignore[index]
        if code == "en":
            english_heads = [row.split("|")[0].split() for row in terms]
        index["stopwords"][code] = sorted(stop or FUNCTION)  # type: ignore[index]
        if code == "en":
            for name, row in zip(chosen, rows, strict=True):
                said = (
                    set(_words(" ".join([*row["tts"], *row.get("default", [])]))) if row else set()
                )
                if said & OCCASION_WORDS:
                    index["occasions"][name] = " ".join(sorted(said & OCCASION_WORDS))  # type: ignore[index]
            colours = _colour_words(annotations)
            index["colours"] = [
                " ".join(w for w in _words(row["tts"][0]) if w in colours) if row else ""
                for row in rows
            ]
            index["drawn_in"] = {name: DRAWN_IN[name] for name in chosen if name in DRAWN_IN}
        found = sum(1 for row in rows if row)
        print(f"{code:8} {found:5} of {len(chosen)} illustrations named", file=sys.stderr)

    OUT.mkdir(parents=True, exist_ok=True)
    bodies = {name: icons["icons"][name]["body"] for name in chosen}
    _write_gz(OUT / "icons.json.gz", bodies)
    _write_gz(OUT / "index.json.gz", index)
    (OUT / "LICENSE-fluent-emoji.txt").write_text(FLUENT_LICENSE)
    (OUT / "LICENSE-unicode-cldr.txt").write_text(_member(cldr, "package/LICENSE").decode("utf-8"))
    size = sum(p.stat().st_size for p in OUT.glob("*.gz"))
    (OUT / "ATTRIBUTION.md").write_text(
        ATTRIBUTION.format(
            count=len(chosen),
            mb=size / 1e6,
            icons_version=index["version"],
            languages=len(LANGUAGES),
            codes=", ".join(LANGUAGES),
        )
    )
    print(f"{len(chosen)} illustrations, {size / 1e6:.2f} MB in {OUT}", file=sys.stderr)
    return 0


def _wanted(name: str, categories: dict[str, list[str]]) -> bool:
    if name.endswith(SKIN_TONES) or name in LEFT_OUT:
        return False
    if "-o-clock" in name or name.endswith("-thirty"):
        return False
    category = _category(name, categories)
    if category in WHOLE_CATEGORIES:
        return True
    if category == "People & Body":
        return name in PEOPLE
    return name in SYMBOLS


def _category(name: str, categories: dict[str, list[str]]) -> str:
    for category, names in categories.items():
        if name in names:
            return category
    return ""


def _terms(
    language: str,
    names_in_set: list[str],
    rows: list[dict[str, list[str]] | None],
    annotations: dict[str, dict],
    stopwords: set[str],
    english_heads: list[list[str]],
) -> list[str]:
    """One ``"head|name|keywords"`` string per illustration (words space-separated).

    ``english_heads`` (empty when building English itself) are the English head words: where
    English names no head (a person golfing), another language's name words are no head either
    ("jugando" in "persona jugando al golf" is an action, not the thing drawn)."""
    english = language == "en"
    colours = _colour_words(annotations)
    names = [_words(row["tts"][0]) if row else [] for row in rows]
    keywords = [
        [w for k in row.get("default", []) for w in _words(k)] if row else [] for row in rows
    ]
    # A word in many names is a function word of this language ("with", "mit", "avec").
    frequency = Counter(w for words in names for w in set(words))
    common = {w for w, n in frequency.items() if n > max(12, len(rows) // 60)}
    drop = colours | common | stopwords | (FUNCTION | ABSTRACT if english else set())
    # Outside English nothing says which keywords are general: drop the widely shared ones.
    spread = Counter(w for keys in keywords for w in set(keys))
    general = GENERIC_KEYWORDS if english else {w for w, n in spread.items() if n > 10}
    heads: list[list[str]] = []
    rest: list[list[str]] = []
    for at, (icon, words) in enumerate(zip(names_in_set, names, strict=True)):
        head, other = _split_name(words, language)
        if english_heads and not english_heads[at]:
            head, other = [], head + other
        if icon.endswith("-face") or "-with-face" in icon:
            # "sun with face", "cat face": a cartoon of the thing; the plain one is drawn for
            # its name, this one only when named in full
            head, other = [], head + other
        unwanted = set(DROP.get(icon, "").split()) if english else set()
        heads.append(
            [w for w in head if _keep(w, drop | unwanted, language)]
            + (ALSO.get(icon, "").split() if english else [])
        )
        rest.append([w for w in other if _keep(w, drop | unwanted, language)])
    named = {w for words in (*heads, *rest) for w in words}
    out = []
    for icon, head, other, keys in zip(names_in_set, heads, rest, keywords, strict=True):
        shown = set(head) | set(other)
        unwanted = set(DROP.get(icon, "").split()) if english else set()
        kept = {
            w
            for w in keys
            if w not in shown and w not in general and _keep(w, drop | unwanted, language)
        }
        kept = {w for w in kept if len(w) > 1 or _root_of(w, names[len(out)])}
        if icon.endswith("-face") or "-with-face" in icon:
            kept = set()  # drawn only when named in full: "sun with face"
        if english:
            # A keyword that is another illustration's name points at that one, not this one;
            # a long "-ing" keyword is an action ("floating", "driving"), not a thing.
            kept = {w for w in kept if w not in named and not (w.endswith("ing") and len(w) > 5)}
        out.append(f"{' '.join(dict.fromkeys(head))}|{' '.join(other)}|{' '.join(sorted(kept))}")
    return out


def _keep(word: str, drop: set[str], language: str) -> bool:
    return word not in drop and word.rstrip("s") not in drop and _meaningful(word, language)


def _root_of(character: str, name: list[str]) -> bool:
    """Whether a one-character keyword is what the name is built on ("树" of "落叶树", "火" of
    "火焰"), or the name's written form where the name is in kana ("猫" of "ネコ"). Other
    single characters are verbs and qualities ("打", "上"), too loose to name a thing."""
    return character in "".join(name) or _kana_of(character, name)


def _kana_of(character: str, name: list[str]) -> bool:
    """Whether ``character`` is a kanji given for a name written in kana only ("猫", "ネコ")."""
    text = "".join(name)
    kana = bool(text) and all("\u3040" <= c <= "\u30ff" for c in text)
    return kana and len(character) == 1 and "\u4e00" <= character <= "\u9fff"


def _qualities(
    language: str, annotations: dict[str, dict], english: dict[str, str]
) -> dict[str, str]:
    """Words of ``language`` that say what something is like, not what it is, each in its
    inflected forms ("verte", "grüner", "française"): its colour words, each with the English
    colour it names ("grün" -> "green", so "ein grüner Apfel" is the green one), and the
    nationality words curated for it (with ""). They name no illustration alone.
    ``english``: each coloured sign's English colour."""
    base = {word: "" for word in QUALITY_WORDS.get(language, "").split()}
    for sign, colour in _sign_colours(language, annotations).items():
        base[colour] = english.get(sign, colour)
    if language not in UNSPACED:  # "blau" of "blauer Kreis"
        for word, colour in list(base.items()):
            for e in INFLECTIONS.get(language, ()) if language in ("de", "nl") else ():
                if word.endswith(e) and len(word) - len(e) >= 3 and colour:
                    base.setdefault(word[: -len(e)], colour)
    forms: dict[str, str] = {}
    endings = INFLECTIONS.get(language, ())
    for word, colour in base.items():
        for form in (word, *(word + e for e in endings if e[0] != "n" or word[-1] == "n")):
            forms.setdefault(form, colour)
        if language in ("es", "it", "pt") and word[-1:] in ("o", "a", "e"):
            for e in endings:
                forms.setdefault(word[:-1] + e, colour)
        if language in UNSPACED:
            forms.setdefault(word + "色", colour)
    return {w: c for w, c in sorted(forms.items()) if _meaningful(w, language)}


def _sign_colours(language: str, annotations: dict[str, dict]) -> dict[str, str]:
    """The colour word of each coloured square's and circle's name ("blauer" of "blauer Kreis");
    in Chinese and Japanese, where names have no spaces, the part before "色", "い" or "の"
    ("红" of "红色方块", "赤" of "赤い丸")."""
    colours = _colour_words(annotations)
    out: dict[str, str] = {}
    for sign in COLOUR_SIGNS:
        name = annotations.get(sign, {}).get("tts", [""])[0]
        if language in UNSPACED:
            colour = re.split("[色いの]", name)[0]
            if colour and colour != name:
                out[sign] = colour
            continue
        said = [w for w in _words(name) if w in colours]
        if len(said) == 1:  # not "großes weißes Quadrat": which word is the colour?
            out[sign] = said[0]
    return out


def _split_name(words: list[str], language: str) -> tuple[list[str], list[str]]:
    """English names put the thing last, before any phrase: "red apple", "sun behind cloud",
    "leaf fluttering in wind"; "glass of milk" shows both. Other languages: every name word."""
    if language != "en":
        return words, []
    if "of" in words:  # "glass of milk", "ear of corn": both sides are the subject
        i = words.index("of")
        before, after = words[:i], words[i + 1 :]
        cut = [w for w in after if w not in FUNCTION]
        return [*before[-1:], *cut[:1]], before[:-1] + cut[1:]
    for i, word in enumerate(words):
        if word in FUNCTION or (word.endswith("ing") and i > 0):
            core, tail = words[:i], words[i:]
            break
    else:
        core, tail = words, []
    while len(core) > 1 and core[-1] in SIGN_WORDS:
        core = core[:-1]
    if not core:
        return words, []
    return core[-1:], core[:-1] + [w for w in tail if w not in FUNCTION]


def _meaningful(word: str, language: str) -> bool:
    """Long enough to name something: one character can in Chinese and Japanese ("猫")."""
    if word.isdigit():
        return False
    if language in UNSPACED:
        return len(word) >= 1
    return len(word) >= 3


def _colour_words(annotations: dict[str, dict]) -> set[str]:
    """This language's colour words: the names of the coloured squares and circles, less the
    words for "square" and "circle" (the words every one of them shares)."""
    names = [_words(annotations[c]["tts"][0]) for c in COLOUR_SIGNS if c in annotations]
    shared = Counter(w for words in names for w in set(words))
    return {w for w, n in shared.items() if n <= 3} - {"large", "medium", "small", "big"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text.replace("-", " "))]


def _lookup(annotations: dict[str, dict], char: str) -> dict[str, list[str]] | None:
    for candidate in (char, char.replace("\ufe0f", ""), char + "\ufe0f"):
        if candidate in annotations and annotations[candidate].get("tts"):
            return annotations[candidate]
    return None


def _annotations(cldr: Path, derived: Path, locale: str) -> dict[str, dict]:
    main = json.loads(_member(cldr, f"package/annotations/{locale}/annotations.json"))
    table = dict(main["annotations"]["annotations"])
    try:
        more = json.loads(_member(derived, f"package/annotationsDerived/{locale}/annotations.json"))
        table = {**more["annotationsDerived"]["annotations"], **table}
    except KeyError:
        pass
    return table


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise SystemExit(f"no {pattern} in {folder}: run npm pack there first (see --help)")
    return found[-1]


def _member(tar_path: Path, member: str) -> bytes:
    with tarfile.open(tar_path) as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise KeyError(member)
        return handle.read()


def _write_gz(path: Path, data: object) -> None:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(raw)
    path.write_bytes(buffer.getvalue())


ATTRIBUTION = """\
# The illustrated backend's art

{count} illustrations, {mb:.2f} MB (gzip-compressed JSON), built by `scripts/build_art.py`.

- **Illustrations**: [Fluent Emoji](https://github.com/microsoft/fluentui-emoji), Flat style,
  © Microsoft Corporation, MIT License (`LICENSE-fluent-emoji.txt`), taken from the
  `@iconify-json/fluent-emoji-flat` npm package, version {icons_version}. A curated subset:
  animals, plants, food, objects, places, transport, activities, gender-neutral people and
  body parts, and a few symbols; no skin-tone or gendered duplicates, faces or keycaps.
- **Words they are matched by**: Unicode CLDR emoji annotations (names and keywords) in
  {languages} languages ({codes}), © Unicode, Inc., Unicode License v3
  (`LICENSE-unicode-cldr.txt`), from the `cldr-annotations-full` and
  `cldr-annotations-derived-full` npm packages; stop words from the `stopwords-iso` npm
  package (MIT). Curated English synonyms and removals are in the build script.
"""

FLUENT_LICENSE = """\
Fluent Emoji (the illustrations in icons.json.gz)
https://github.com/microsoft/fluentui-emoji, via the @iconify-json/fluent-emoji-flat package

MIT License

Copyright (c) Microsoft Corporation.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

if __name__ == "__main__":
    raise SystemExit(main())
