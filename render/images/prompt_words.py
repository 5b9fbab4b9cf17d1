"""The word lists the matcher reads picture prompts with: style and framing words that are
never a subject, words that make the next one no thing ("key takeaways"), "-ing" nouns,
determiners, English markers, colours, words for a way up or down, irregular plurals, and the
common words of unspaced languages that hold a one-character name without meaning it.

Kept apart from the rules in :mod:`render.images.matching` so the lists can grow without the
rules moving.
"""

from __future__ import annotations


def _wordlist(text: str) -> list[str]:
    """The words of a literal list written as text (easier to read and edit than quotes)."""
    return text.split()


# Words of picture prompts that say how to draw, not what: never a subject.
STYLE_WORDS = frozenset(
    _wordlist("""
    illustration illustrated watercolour watercolor painting painted drawing drawn sketch
    gouache chalk pastel vector flat style render rendering lighting lit tones tone colours
    colors palette cinematic dramatic digital soft warm golden hour closeup close up view
    wide angle shot photo photograph photography realistic detailed composition background
    foreground scene centered centred macro aerial portrait texture minimalist icon logo
    art artwork glow glowing dark bright light
    """)
)
# A last comma-separated part made only of these says how to frame the picture.
FRAMING = STYLE_WORDS | frozenset(
    _wordlist("landscape portrait square top side front bird eye level low high shot view")
)
# "key takeaways": an adjective, not the thing.
NOT_A_THING = {
    "key": frozenset(
        _wordlist(
            "takeaway takeaways point points idea ideas fact facts concept concepts lesson lessons "
            "message messages question questions step steps term terms"
        )
    )
}
ING_NOUNS = frozenset(
    _wordlist(
        "string spring ceiling earring pudding wedding clothing evening morning sibling "
        "seedling duckling dumpling herring lightning"
    )
)
DETERMINERS = frozenset(
    _wordlist("a an the this that its their his her our my your each every one")
)
ENGLISH_MARKERS = frozenset(_wordlist("the a an of with and in on at under over from into"))
COLOURS = frozenset(
    _wordlist("red orange yellow green blue purple brown black white pink grey gray golden")
)

# Words of a prompt that say which way something goes ("a chart going up", "sales falling"),
# and the name words of the illustrations that show a way (chart increasing, decreasing).
RISING = frozenset(
    _wordlist("""
    up upward upwards rise rises rising risen grow grows growing growth increase increases
    increasing increased gain gains gaining higher climb climbs climbing soar soars soaring
    boom booming surge surges surging improve improves improving improvement recovery
    """)
)
FALLING = frozenset(
    _wordlist("""
    down downward downwards fall falls falling fell decline declines declining decrease
    decreases decreasing decreased drop drops dropping dropped crash crashes crashing crashed
    lower loss losses shrink shrinks shrinking slump slumps plunge plunges plunging collapse
    collapsing recession downturn
    """)
)
SHOWS_RISING = frozenset(_wordlist("increasing rising upward upwards growing"))
SHOWS_FALLING = frozenset(_wordlist("decreasing falling downward downwards shrinking"))

IRREGULAR = {
    "mice": "mouse",
    "geese": "goose",
    "teeth": "tooth",
    "feet": "foot",
    "children": "child",
    "men": "man",
    "women": "woman",
    "fungi": "fungus",
    "cacti": "cactus",
    "oxen": "ox",
    "dice": "die",
    "colour": "color",
    "aeroplane": "airplane",
    "aeroplanes": "airplane",
}


# Common words, in languages written without spaces, that hold an illustration's one-character
# name and mean something else: 马上 "at once" is no horse, 马路 "road", 马虎 "careless".
WORDS_NAMING_NOTHING = {
    "zh": ("马上", "马路", "马虎", "马克", "马达", "猫腻", "火热", "火爆", "牛逼", "人工"),
}


# Words a keyword list gives a thing that people mostly mean another way: "culture" is a
# bacteria culture to the petri dish, and a people's ways in "Brazilian culture". As a keyword
# alone they name nothing; the thing's own name still does ("bacteria" draws the microbe).
ABSTRACT_KEYWORDS = frozenset(
    _wordlist("culture cultures cultura culturas kultur kulturen cultuur culturen культура")
)
