"""What scripts/build_art.py keeps of Fluent Emoji Flat, and the English words it adds or
removes: the curation, apart from the mechanics of reading the packages."""

from __future__ import annotations


def _wordlist(text: str) -> list[str]:
    """The words of a literal list written as text (easier to read and edit than quotes)."""
    return text.split()


WHOLE_CATEGORIES = {"Animals & Nature", "Food & Drink", "Objects", "Travel & Places", "Activities"}
SKIN_TONES = ("-dark", "-light", "-medium", "-medium-dark", "-medium-light")
LEFT_OUT = {
    # card suits, clock faces and the like: shapes, not subjects
    "club-suit",
    "diamond-suit",
    "heart-suit",
    "spade-suit",
    "joker",
    "flower-playing-cards",
    "mahjong-red-dragon",
    "bell-with-slash",
    "muted-speaker",
    "mobile-phone-off",
    "chart-increasing-with-yen",
}
PEOPLE = {
    # gender-neutral people and roles, body parts and a few hands that show an action
    "anatomical-heart", "artist", "astronaut", "baby", "bone", "brain", "busts-in-silhouette",
    "bust-in-silhouette", "child", "clapping-hands", "construction-worker", "cook", "detective",
    "ear", "eye", "factory-worker", "farmer", "firefighter", "flexed-biceps", "folded-hands",
    "foot", "footprints", "guard", "handshake", "health-worker", "judge", "leg", "lungs",
    "mechanic", "mechanical-arm", "mechanical-leg", "mouth", "nose", "office-worker",
    "older-person", "open-hands", "people-hugging", "person", "person-biking",
    "person-climbing", "person-golfing", "person-in-lotus-position", "person-lifting-weights",
    "person-mountain-biking", "person-rowing-boat", "person-running", "person-surfing",
    "person-swimming", "person-walking", "person-in-bed", "person-taking-bath", "pilot",
    "police-officer", "raising-hands", "scientist", "singer", "speaking-head", "student",
    "teacher", "technologist", "thumbs-up", "tooth", "tongue", "waving-hand", "writing-hand",
    "person-fencing", "person-juggling", "person-cartwheeling", "horse-racing", "skier",
    "snowboarder", "person-bouncing-ball", "person-playing-handball", "person-playing-water-polo",
    "family",
}  # fmt: skip
SYMBOLS = {
    "atom-symbol", "biohazard", "radioactive", "recycling-symbol", "warning", "peace-symbol",
    "yin-yang", "infinity", "medical-symbol", "check-mark-button", "cross-mark",
    "wheelchair-symbol", "potable-water", "sparkle", "place-of-worship", "wireless",
    "antenna-bars", "menorah", "star-of-david", "latin-cross", "star-and-crescent", "om",
    "wheel-of-dharma", "khanda", "robot", "alien", "ghost", "skull", "red-heart",
    "speech-balloon", "thought-balloon", "collision", "bomb", "hole", "love-letter",
    "chequered-flag", "triangular-flag", "white-flag", "pirate-flag", "rainbow-flag",
}  # fmt: skip

# English words that name a quality, a feeling, an occasion or an action, not a thing one
# would draw: matching them would put, say, an apple on a slide about "health".
ABSTRACT = set(
    _wordlist("""
    adorbs also animal animals anniversary autumn bad beautiful big birthday black blind blue
    boring bright brown calm celebrate celebration change clean climate cold comic common cool
    biology cartoon chemistry cracked cute cycle danger eat eating math mathematics physics
    dangerous date dead decision diet dinner disease double electric
    empty energy everyone evil excited extinction face facing fall fallen falling famous fantasy
    fast female feminine flamboyant fluffy fly flying food free fresh front full fun funny gender
    go good gray green grey habitat happy health healthy heavy high hot huge idea japanese large
    light little lucky love male masculine mad magic meme nature new newborn night no not object
    old omg open orange other pad party peace pest pester pink pretty purple red rich ripe
    romance row sad science scary shape shedding silly small space sport sports spring springs
    springtime stubborn summer sweet symbol thing time tool travel tropical ugly unlucky up
    weather white winter yellow yum
    """)
)
# Kept as an illustration's head word, dropped as anyone's keyword: too general to pick one.
GENERIC_KEYWORDS = {"building", "container", "garden", "table", "vehicle", "clothing"}
# Trailing words of a name that say what kind of sign it is: "atom symbol" shows an atom.
SIGN_WORDS = {"symbol", "sign", "button", "mark", "emblem", "tilted", "left", "right"}
# Curated English words that name an illustration as well as its head word does: the words
# planners use for what it shows ("sunlight" for the sun, "sea" for a wave).
ALSO = {
    "sun": "sunlight sunshine sunbeam daylight",
    "droplet": "water drop raindrop",
    "water-wave": "sea ocean tide surf",
    "cloud-with-rain": "rain rainfall",
    "deciduous-tree": "tree oak forest woods woodland rainforest jungle",
    "evergreen-tree": "pine forest conifer fir spruce",
    "globe-showing-europe-africa": "earth world globe",
    "globe-showing-americas": "earth world globe",
    "microbe": "bacteria bacterium virus germ microorganism cell",
    "dna": "gene genetics helix chromosome",
    "alembic": "flask",
    "atom-symbol": "atom electron nucleus proton neutron molecule",
    "seedling": "sprout seed sapling",
    "potted-plant": "plant houseplant",
    "house": "home",
    "house-with-garden": "garden",
    "sheaf-of-rice": "wheat grain crop harvest",
    "bicycle": "bike cycling",
    "automobile": "car",
    "cityscape": "city skyline",
    "national-park": "landscape valley",
    "snow-capped-mountain": "glacier",
    "person-running": "runner athlete jogger",
    "person-swimming": "swimmer",
    "person-climbing": "climber mountaineer",
    "person-biking": "cyclist",
    "person-walking": "walker hiker pedestrian",
    "mobile-phone": "smartphone phone",
    "envelope": "letter mail",
    "syringe": "vaccine vaccination injection jab",
    "hot-beverage": "coffee tea cup mug",
    "musical-notes": "music song melody",
    "paintbrush": "brush",
    "rock": "stone boulder",
    "soccer-ball": "football",
    "goal-net": "goal",
    "video-game": "game controller gamepad videogame",
    "birthday-cake": "cake",
    "printer": "press",
    "office-building": "building office",
    "desert": "sand dune",
    "fog": "mist haze",
    "herb": "leaf",
    "carrot": "vegetable",
    "broccoli": "vegetable",
    "red-apple": "fruit",
    "glasses": "eyeglasses spectacles",
    "tulip": "flower",
    "blossom": "flower",
    "musical-keyboard": "piano",
    "leaf-fluttering-in-wind": "wind breeze",
    "honeybee": "bee",
    "lady-beetle": "ladybug ladybird",
    "t-rex": "dinosaur tyrannosaurus",
    "sauropod": "dinosaur",
    "classical-building": "temple",
}
# Words a CLDR entry gives an illustration that would draw it for the wrong thing.
DROP = {
    "red-heart": "heart",
    "rainbow": "rain",
    "antenna-bars": "cell",
    "mobile-phone": "cell",
    "ping-pong": "table",
    "clapper-board": "board",
    "toothbrush": "brush",
    "hourglass-done": "sand",
    "hourglass-not-done": "sand",
    "crown": "family",
    "waffle": "iron",
    "flexed-biceps": "bench press",
    "jar": "container",
    "lacrosse": "goal",
    "cricket-game": "game",
    "fish-cake-with-swirl": "cake",
    "moon-cake": "cake",
    "bikini": "pool",
    "cityscape-at-dusk": "landscape",
    "ant": "garden",
    "triangular-ruler": "rule",
    "glasses": "glasses glass",
    "skateboard": "board",
    "bicycle": "class",
    "locomotive": "steam",
    "umbrella-on-ground": "ground",
    "dragon": "knight knights",
    "window": "air",
    "ginger-root": "root",
    "potable-water": "water",
    "bug": "garden",
}
# Illustrations of a festival or a culture's custom are drawn for their plain names ("tree")
# only when nothing plainer matches: the index lists their occasion words.
OCCASION_WORDS = {
    "christmas", "halloween", "easter", "japanese", "japan", "chinese", "diwali", "hanukkah",
    "wedding", "birthday", "valentine", "tanabata", "carnival",
}  # fmt: skip
# The colours an illustration is drawn in, where its name does not say: "a green leaf" should
# not draw the brown fallen one.
DRAWN_IN = {
    "fallen-leaf": "brown orange",
    "maple-leaf": "red orange",
    "herb": "green",
    "leaf-fluttering-in-wind": "green",
    "seedling": "green",
    "four-leaf-clover": "green",
    "shamrock": "green",
    "deciduous-tree": "green",
    "evergreen-tree": "green",
    "cactus": "green",
    "frog": "green",
    "snake": "green",
    "lizard": "green",
    "tangerine": "orange",
    "lemon": "yellow",
    "banana": "yellow",
    "sun": "yellow",
    "blossom": "yellow",
    "tulip": "pink",
    "hibiscus": "pink",
    "cherry-blossom": "pink",
    "rose": "red",
    "sunflower": "yellow",
    "droplet": "blue",
    "water-wave": "blue",
    "glass-of-milk": "white",
}
# Words that never identify a subject on their own, in English names ("man in tuxedo").
FUNCTION = set(
    _wordlist(
        "a an and at behind by for from in into of off on or out over the to under up with "
        "without showing"
    )
)
# Nationality and language words ("French", "española"): a quality of the thing, never the
# thing ("the French revolution" is no plate of fries); and colour forms the endings below do
# not make ("blanche"). Base forms; the build adds the endings. The colour words themselves come
# from CLDR (the names of the coloured squares and circles).
QUALITY_WORDS = {
    "en": """american british english french german italian spanish portuguese dutch chinese
        japanese korean indian russian greek mexican brazilian canadian australian african
        european asian arab arabic egyptian turkish swiss swedish norwegian danish finnish
        polish irish scottish welsh austrian belgian""",
    "fr": """français francais anglais allemand italien espagnol portugais néerlandais hollandais
        chinois japonais coréen indien russe grec grecque américain britannique mexicain
        brésilien canadien australien africain européen asiatique arabe égyptien turc turque
        suisse suédois norvégien danois finlandais polonais irlandais écossais autrichien belge
        blanche blanches violette violettes""",
    "es": """francés inglés alemán italiano español portugués holandés neerlandés chino japonés
        coreano indio ruso griego americano británico mexicano brasileño canadiense australiano
        africano europeo asiático árabe egipcio turco suizo sueco noruego danés finlandés polaco
        irlandés escocés austriaco belga estadounidense""",
    "it": """francese inglese tedesco tedeschi italiano spagnolo portoghese olandese cinese
        giapponese coreano indiano russo greco greci americano britannico messicano brasiliano
        canadese australiano africano europeo asiatico arabo egiziano turco svizzero svedese
        norvegese danese finlandese polacco irlandese scozzese austriaco belga""",
    "pt": """francês inglês alemão alemã alemães italiano espanhol português portuguesa holandês
        chinês japonês coreano indiano russo grego americano britânico mexicano brasileiro
        canadense australiano africano europeu europeia asiático árabe egípcio turco suíço sueco
        norueguês dinamarquês finlandês polonês irlandês escocês austríaco belga""",
    "de": """französisch englisch deutsch italienisch spanisch portugiesisch niederländisch
        holländisch chinesisch japanisch koreanisch indisch russisch griechisch amerikanisch
        britisch mexikanisch brasilianisch kanadisch australisch afrikanisch europäisch
        asiatisch arabisch ägyptisch türkisch schweizer schweizerisch schwedisch norwegisch
        dänisch finnisch polnisch irisch schottisch österreichisch belgisch""",
    "nl": """frans engels duits italiaans spaans portugees portugese nederlands hollands chinees
        chinese japans koreaans indiaas indiase russisch grieks griekse amerikaans brits
        mexicaans braziliaans canadees canadese australisch afrikaans europees europese
        aziatisch arabisch egyptisch turks zwitsers zweeds noors deens fins pools iers schots
        oostenrijks belgisch""",
}
# Endings that inflect an adjective: the build adds each to each quality word ("vert" ->
# "verte", "grün" -> "grüner"); in es, it and pt also in place of its last vowel ("rojo" -> "roja").
INFLECTIONS = {
    "fr": ("e", "s", "es", "ne", "nes"),
    "es": ("a", "o", "s", "as", "os", "es"),
    "pt": ("a", "o", "s", "as", "os", "es"),
    "it": ("a", "o", "i", "e"),
    "de": ("e", "er", "en", "es", "em"),
    "nl": ("e",),
}
