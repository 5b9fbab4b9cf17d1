"""The words each language reads math with, for :mod:`deck.math_words` (and the sentence that
says what a chart shows).

One :class:`Vocabulary` per language the voices speak and a teacher's reading is simple to
write down (English, French, Spanish, German, Italian, Portuguese, Dutch); any other language
is read with English words (the stated fallback: :func:`vocabulary` says which one it used).
Each entry is how a teacher reads the sign aloud in class: "x au carré", "x Quadrat",
"la raíz cuadrada de".
"""

from __future__ import annotations

from dataclasses import dataclass, field

GREEK = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega",
)  # fmt: skip
BIG_OPERATORS = ("sum", "prod", "int", "lim")


@dataclass(frozen=True)
class Vocabulary:
    """How one language says each sign. ``greek`` holds the letters whose name differs from
    the English one; ``words`` the LaTeX commands (``cdot``, ``le``, ``sum``), ``symbols``
    the single signs (``=``, ``+``); the ``{}`` in the phrases is where the argument goes.
    ``charts``, ``of`` and ``by`` say what a chart shows ("A bar chart of Cases by Year")."""

    language: str
    words: dict[str, str]
    symbols: dict[str, str]
    squared: str
    cubed: str
    power: str  # "to the power of {}"
    sub: str  # "sub {}"
    lower: str  # a sum's lower limit: "from {}"
    upper: str  # a sum's upper limit: "to {}"
    over: str
    root: str
    charts: dict[str, str]  # "A bar chart", per chart type
    of: str  # " of {}": the series a chart shows
    by: str  # " by {}": its category axis
    greek: dict[str, str] = field(default_factory=dict)

    def letter(self, name: str) -> str:
        """A Greek letter's name (``Delta`` and ``varphi`` read as delta and phi)."""
        base = name.removeprefix("var").lower()
        return self.greek.get(base, base)

    @property
    def big(self) -> frozenset[str]:
        """The words of the operators that take limits ("the sum", "la somme")."""
        return frozenset(self.words[name] for name in BIG_OPERATORS)

    @property
    def limit_prefix(self) -> str:
        return self.lower.split("{}")[0]


ENGLISH = Vocabulary(
    language="en",
    charts={
        "bar": "A bar chart",
        "stacked_bar": "A stacked bar chart",
        "line": "A line chart",
        "pie": "A pie chart",
    },
    of=" of {}", by=" by {}",
    words={
        "cdot": "times", "times": "times", "div": "divided by", "pm": "plus or minus",
        "le": "is at most", "leq": "is at most", "ge": "is at least", "geq": "is at least",
        "ne": "is not equal to", "neq": "is not equal to", "approx": "is approximately",
        "equiv": "is equivalent to", "propto": "is proportional to", "to": "tends to",
        "rightarrow": "gives", "Rightarrow": "implies", "infty": "infinity",
        "partial": "partial", "nabla": "nabla", "sum": "the sum", "prod": "the product",
        "int": "the integral", "lim": "the limit", "log": "log", "ln": "the natural log of",
        "sin": "sine of", "cos": "cosine of", "tan": "tangent of",
        "exp": "the exponential of", "in": "in", "circ": "degrees", "ldots": "and so on",
        "cdots": "and so on", "dots": "and so on",
    },
    symbols={
        "=": "equals", "+": "plus", "-": "minus", "*": "times", "/": "over",
        "<": "is less than", ">": "is greater than", "!": "factorial", ",": ",", "'": "prime",
    },
    squared="squared", cubed="cubed", power="to the power of {}", sub="sub {}",
    lower="from {}", upper="to {}", over="over", root="the square root of",
)  # fmt: skip

FRENCH = Vocabulary(
    language="fr",
    charts={
        "bar": "Un diagramme en barres",
        "stacked_bar": "Un diagramme en barres empilées",
        "line": "Un graphique en courbes",
        "pie": "Un diagramme circulaire",
    },
    of=" de {}", by=" par {}",
    words={
        "cdot": "fois", "times": "fois", "div": "divisé par", "pm": "plus ou moins",
        "le": "inférieur ou égal à", "leq": "inférieur ou égal à",
        "ge": "supérieur ou égal à", "geq": "supérieur ou égal à", "ne": "différent de",
        "neq": "différent de", "approx": "environ égal à", "equiv": "équivaut à",
        "propto": "est proportionnel à", "to": "tend vers", "rightarrow": "donne",
        "Rightarrow": "implique", "infty": "l'infini", "partial": "d rond", "nabla": "nabla",
        "sum": "la somme", "prod": "le produit", "int": "l'intégrale", "lim": "la limite",
        "log": "log", "ln": "logarithme népérien de", "sin": "sinus de", "cos": "cosinus de",
        "tan": "tangente de", "exp": "exponentielle de", "in": "appartient à",
        "circ": "degrés", "ldots": "et ainsi de suite", "cdots": "et ainsi de suite",
        "dots": "et ainsi de suite",
    },
    symbols={
        "=": "égale", "+": "plus", "-": "moins", "*": "fois", "/": "sur",
        "<": "inférieur à", ">": "supérieur à", "!": "factorielle", ",": ",", "'": "prime",
    },
    squared="au carré", cubed="au cube", power="puissance {}", sub="indice {}",
    lower="de {}", upper="à {}", over="sur", root="racine carrée de",
    greek={
        "beta": "bêta", "zeta": "dzêta", "eta": "êta", "theta": "thêta", "chi": "khi",
        "omega": "oméga",
    },
)  # fmt: skip

SPANISH = Vocabulary(
    language="es",
    charts={
        "bar": "Un gráfico de barras",
        "stacked_bar": "Un gráfico de barras apiladas",
        "line": "Un gráfico de líneas",
        "pie": "Un gráfico circular",
    },
    of=" de {}", by=" por {}",
    words={
        "cdot": "por", "times": "por", "div": "dividido entre", "pm": "más o menos",
        "le": "menor o igual que", "leq": "menor o igual que", "ge": "mayor o igual que",
        "geq": "mayor o igual que", "ne": "distinto de", "neq": "distinto de",
        "approx": "aproximadamente igual a", "equiv": "equivale a",
        "propto": "es proporcional a", "to": "tiende a", "rightarrow": "da",
        "Rightarrow": "implica", "infty": "infinito", "partial": "parcial", "nabla": "nabla",
        "sum": "la suma", "prod": "el producto", "int": "la integral", "lim": "el límite",
        "log": "log", "ln": "el logaritmo natural de", "sin": "seno de", "cos": "coseno de",
        "tan": "tangente de", "exp": "la exponencial de", "in": "pertenece a",
        "circ": "grados", "ldots": "y así sucesivamente", "cdots": "y así sucesivamente",
        "dots": "y así sucesivamente",
    },
    symbols={
        "=": "igual a", "+": "más", "-": "menos", "*": "por", "/": "entre",
        "<": "menor que", ">": "mayor que", "!": "factorial", ",": ",", "'": "prima",
    },
    squared="al cuadrado", cubed="al cubo", power="elevado a {}", sub="sub {}",
    lower="desde {}", upper="hasta {}", over="entre", root="la raíz cuadrada de",
    greek={
        "alpha": "alfa", "epsilon": "épsilon", "kappa": "kappa", "rho": "ro",
        "upsilon": "ípsilon", "phi": "fi", "chi": "ji",
    },
)  # fmt: skip

GERMAN = Vocabulary(
    language="de",
    charts={
        "bar": "Ein Balkendiagramm",
        "stacked_bar": "Ein gestapeltes Balkendiagramm",
        "line": "Ein Liniendiagramm",
        "pie": "Ein Kreisdiagramm",
    },
    of=" von {}", by=" nach {}",
    words={
        "cdot": "mal", "times": "mal", "div": "geteilt durch", "pm": "plus minus",
        "le": "kleiner gleich", "leq": "kleiner gleich", "ge": "größer gleich",
        "geq": "größer gleich", "ne": "ungleich", "neq": "ungleich",
        "approx": "ungefähr gleich", "equiv": "ist äquivalent zu",
        "propto": "ist proportional zu", "to": "gegen", "rightarrow": "ergibt",
        "Rightarrow": "daraus folgt", "infty": "unendlich", "partial": "partiell",
        "nabla": "Nabla", "sum": "die Summe", "prod": "das Produkt", "int": "das Integral",
        "lim": "der Limes", "log": "log", "ln": "der natürliche Logarithmus von",
        "sin": "Sinus von", "cos": "Kosinus von", "tan": "Tangens von",
        "exp": "die Exponentialfunktion von", "in": "Element von", "circ": "Grad",
        "ldots": "und so weiter", "cdots": "und so weiter", "dots": "und so weiter",
    },
    symbols={
        "=": "gleich", "+": "plus", "-": "minus", "*": "mal", "/": "durch",
        "<": "kleiner als", ">": "größer als", "!": "Fakultät", ",": ",", "'": "Strich",
    },
    squared="Quadrat", cubed="hoch drei", power="hoch {}", sub="Index {}",
    lower="von {}", upper="bis {}", over="durch", root="Wurzel aus",
    greek={name: name.capitalize() for name in GREEK}
    | {"mu": "My", "nu": "Ny", "upsilon": "Ypsilon"},
)  # fmt: skip

ITALIAN = Vocabulary(
    language="it",
    charts={
        "bar": "Un grafico a barre",
        "stacked_bar": "Un grafico a barre in pila",
        "line": "Un grafico a linee",
        "pie": "Un grafico a torta",
    },
    of=" di {}", by=" per {}",
    words={
        "cdot": "per", "times": "per", "div": "diviso", "pm": "più o meno",
        "le": "minore o uguale a", "leq": "minore o uguale a", "ge": "maggiore o uguale a",
        "geq": "maggiore o uguale a", "ne": "diverso da", "neq": "diverso da",
        "approx": "circa uguale a", "equiv": "equivale a", "propto": "è proporzionale a",
        "to": "tende a", "rightarrow": "dà", "Rightarrow": "implica", "infty": "infinito",
        "partial": "parziale", "nabla": "nabla", "sum": "la somma", "prod": "il prodotto",
        "int": "l'integrale", "lim": "il limite", "log": "log",
        "ln": "il logaritmo naturale di", "sin": "seno di", "cos": "coseno di",
        "tan": "tangente di", "exp": "l'esponenziale di", "in": "appartiene a",
        "circ": "gradi", "ldots": "e così via", "cdots": "e così via", "dots": "e così via",
    },
    symbols={
        "=": "uguale a", "+": "più", "-": "meno", "*": "per", "/": "fratto",
        "<": "minore di", ">": "maggiore di", "!": "fattoriale", ",": ",", "'": "primo",
    },
    squared="al quadrato", cubed="al cubo", power="elevato a {}", sub="pedice {}",
    lower="da {}", upper="a {}", over="fratto", root="radice quadrata di",
    greek={"alpha": "alfa", "upsilon": "ipsilon", "phi": "fi"},
)  # fmt: skip

PORTUGUESE = Vocabulary(
    language="pt",
    charts={
        "bar": "Um gráfico de barras",
        "stacked_bar": "Um gráfico de barras empilhadas",
        "line": "Um gráfico de linhas",
        "pie": "Um gráfico de pizza",
    },
    of=" de {}", by=" por {}",
    words={
        "cdot": "vezes", "times": "vezes", "div": "dividido por", "pm": "mais ou menos",
        "le": "menor ou igual a", "leq": "menor ou igual a", "ge": "maior ou igual a",
        "geq": "maior ou igual a", "ne": "diferente de", "neq": "diferente de",
        "approx": "aproximadamente igual a", "equiv": "equivale a",
        "propto": "é proporcional a", "to": "tende a", "rightarrow": "dá",
        "Rightarrow": "implica", "infty": "infinito", "partial": "parcial", "nabla": "nabla",
        "sum": "a soma", "prod": "o produto", "int": "a integral", "lim": "o limite",
        "log": "log", "ln": "o logaritmo natural de", "sin": "seno de", "cos": "cosseno de",
        "tan": "tangente de", "exp": "a exponencial de", "in": "pertence a",
        "circ": "graus", "ldots": "e assim por diante", "cdots": "e assim por diante",
        "dots": "e assim por diante",
    },
    symbols={
        "=": "igual a", "+": "mais", "-": "menos", "*": "vezes", "/": "sobre",
        "<": "menor que", ">": "maior que", "!": "fatorial", ",": ",", "'": "linha",
    },
    squared="ao quadrado", cubed="ao cubo", power="elevado a {}", sub="índice {}",
    lower="de {}", upper="até {}", over="sobre", root="raiz quadrada de",
    greek={
        "alpha": "alfa", "gamma": "gama", "epsilon": "épsilon", "theta": "teta",
        "kappa": "capa", "mu": "mi", "nu": "ni", "rho": "rô", "upsilon": "ípsilon",
        "phi": "fi", "chi": "qui", "omega": "ômega",
    },
)  # fmt: skip

DUTCH = Vocabulary(
    language="nl",
    charts={
        "bar": "Een staafdiagram",
        "stacked_bar": "Een gestapeld staafdiagram",
        "line": "Een lijndiagram",
        "pie": "Een cirkeldiagram",
    },
    of=" van {}", by=" per {}",
    words={
        "cdot": "keer", "times": "keer", "div": "gedeeld door", "pm": "plus of min",
        "le": "kleiner dan of gelijk aan", "leq": "kleiner dan of gelijk aan",
        "ge": "groter dan of gelijk aan", "geq": "groter dan of gelijk aan",
        "ne": "is niet gelijk aan", "neq": "is niet gelijk aan",
        "approx": "is ongeveer gelijk aan", "equiv": "is equivalent met",
        "propto": "is evenredig met", "to": "gaat naar", "rightarrow": "geeft",
        "Rightarrow": "impliceert", "infty": "oneindig", "partial": "partieel",
        "nabla": "nabla", "sum": "de som", "prod": "het product", "int": "de integraal",
        "lim": "de limiet", "log": "log", "ln": "de natuurlijke logaritme van",
        "sin": "sinus van", "cos": "cosinus van", "tan": "tangens van",
        "exp": "de exponentiële functie van", "in": "is element van", "circ": "graden",
        "ldots": "enzovoort", "cdots": "enzovoort", "dots": "enzovoort",
    },
    symbols={
        "=": "is gelijk aan", "+": "plus", "-": "min", "*": "keer", "/": "gedeeld door",
        "<": "kleiner dan", ">": "groter dan", "!": "faculteit", ",": ",", "'": "accent",
    },
    squared="kwadraat", cubed="tot de derde", power="tot de macht {}", sub="index {}",
    lower="van {}", upper="tot {}", over="gedeeld door", root="de wortel van",
    greek={"alpha": "alfa", "beta": "bèta", "zeta": "zèta", "eta": "èta", "theta": "thèta",
           "iota": "jota", "upsilon": "ypsilon"},
)  # fmt: skip

VOCABULARIES = {
    v.language: v for v in (ENGLISH, FRENCH, SPANISH, GERMAN, ITALIAN, PORTUGUESE, DUTCH)
}
# Three-letter codes a deck may carry for the languages above (ISO 639-2/3).
_ALIASES = {
    "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "deu": "de", "ger": "de",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
}  # fmt: skip


def vocabulary(language: str) -> Vocabulary:
    """The words for ``language`` (``fr``, ``fr-CA``, ``pt_BR``, ``deu``); English for a
    language without its own (its ``language`` then says ``en``)."""
    base = language.strip().lower().replace("_", "-").split("-")[0]
    return VOCABULARIES.get(_ALIASES.get(base, base), ENGLISH)
