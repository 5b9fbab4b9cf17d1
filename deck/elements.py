"""Slide elements: what a slide can show besides its picture and bullets, as validated data.

A diffusion model cannot draw a bar chart, an equation or a listing correctly (it garbles
numbers and letters), so they are data here and ``render/`` draws them exactly. A slide holds
at most one element; each is a small model with its own limits:

- :class:`Chart`: bar, stacked bar, line or pie; category labels, one or more named series of
  numbers (as many as there are labels), axis titles and a unit.
- :class:`Code`: a listing in a named language (Pygments' names: python, js, rust...).
- :class:`Equation`: one display equation in LaTeX math (as matplotlib's mathtext reads it).
- :class:`Diagram`: steps (A → B → C), a cycle, or a comparison table of 2 to 4 columns.

Every limit names the element and the field it guards, so a bad chart reads "slide 3 chart:
series 'North' has 4 values but the chart has 3 labels".
"""

from __future__ import annotations

import math
import re
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .math_words import latex_words
from .math_words_vocabulary import vocabulary
from .text import clean_text

MAX_CHART_LABELS = 12
MAX_CHART_LABEL = 30
MAX_SERIES = 6
MAX_SERIES_NAME = 40
MAX_AXIS_TITLE = 60
MAX_UNIT = 12
MAX_CODE_LINES = 18
MAX_CODE_LINE = 100
MAX_CODE_CHARS = MAX_CODE_LINES * MAX_CODE_LINE
MAX_LATEX = 300
MAX_STEPS = 8
MAX_STEP = 40
MAX_COLUMNS = 4
MAX_ROWS = 8
MAX_CELL = 60

_Text = Annotated[str, BeforeValidator(clean_text)]
_LANGUAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+#._-]{0,23}$")


class _Element(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class ChartType(StrEnum):
    BAR = "bar"
    STACKED_BAR = "stacked_bar"
    LINE = "line"
    PIE = "pie"


class Series(_Element):
    """One named row of numbers, one per label."""

    name: _Text = Field(default="", max_length=MAX_SERIES_NAME)
    values: list[float] = Field(min_length=1, max_length=MAX_CHART_LABELS)

    @field_validator("values")
    @classmethod
    def _finite(cls, values: list[float]) -> list[float]:
        for value in values:
            if not math.isfinite(value):
                raise ValueError(f"{value} is not a number a chart can show")
        return values


class Chart(_Element):
    """A chart drawn from data: ``labels`` along the axis (or the pie's slices), a series of
    values per label for each row of ``series``."""

    kind: Literal["chart"] = "chart"
    type: ChartType = ChartType.BAR
    labels: list[Annotated[_Text, Field(min_length=1, max_length=MAX_CHART_LABEL)]] = Field(
        min_length=1, max_length=MAX_CHART_LABELS
    )
    series: list[Series] = Field(min_length=1, max_length=MAX_SERIES)
    x_title: _Text = Field(default="", max_length=MAX_AXIS_TITLE)
    y_title: _Text = Field(default="", max_length=MAX_AXIS_TITLE)
    unit: _Text = Field(default="", max_length=MAX_UNIT)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        count = len(self.labels)
        for n, series in enumerate(self.series, 1):
            name = f"series '{series.name}'" if series.name else f"series {n}"
            if len(series.values) != count:
                more = "more" if len(series.values) > count else "fewer"
                raise ValueError(
                    f"{name} has {len(series.values)} values but the chart has {count} "
                    f"labels ({more} values than labels); give one value per label"
                )
        if self.type is ChartType.PIE:
            if len(self.series) != 1:
                raise ValueError(f"a pie chart shows one series, not {len(self.series)}")
            values = self.series[0].values
            if min(values) < 0 or sum(values) <= 0:
                raise ValueError("a pie chart's values must be positive or zero, not all zero")
        if self.type is ChartType.STACKED_BAR and any(
            value < 0 for series in self.series for value in series.values
        ):
            raise ValueError("a stacked bar chart's values must be positive or zero")
        return self

    def spoken(self, language: str = "en") -> str:
        """A sentence that says what the chart shows, in ``language`` (for narration written
        by default): "A bar chart of Cases by Year."; English for a language without words."""
        said = vocabulary(language)
        names = [series.name for series in self.series if series.name]
        what = said.of.format(", ".join(names)) if names else ""
        by = said.by.format(self.x_title) if self.x_title else ""
        return f"{said.charts[self.type.value]}{what}{by}."


class Code(_Element):
    """A code listing. Tabs become four spaces, trailing spaces and blank edges go."""

    kind: Literal["code"] = "code"
    language: str = Field(default="", max_length=24)
    text: str = Field(min_length=1, max_length=MAX_CODE_CHARS)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip().lower()
        if value and not _LANGUAGE.match(value):
            raise ValueError(f"'{value}' is not a language name like 'python' or 'js'")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _tidy(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        lines = [line.expandtabs(4).rstrip() for line in value.replace("\r\n", "\n").split("\n")]
        lines = [re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", line) for line in lines]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)

    @field_validator("text")
    @classmethod
    def _fits(cls, value: str) -> str:
        lines = value.split("\n")
        if len(lines) > MAX_CODE_LINES:
            raise ValueError(
                f"has {len(lines)} lines, at most {MAX_CODE_LINES} fit on a slide; "
                "show the part that matters or split it over two slides"
            )
        for n, line in enumerate(lines, 1):
            if len(line) > MAX_CODE_LINE:
                raise ValueError(
                    f"line {n} of the code is {len(line)} characters long, at most "
                    f"{MAX_CODE_LINE} fit on a slide"
                )
        return value

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def spoken(self, language: str = "en") -> str:
        return ""


class Equation(_Element):
    """One display equation in LaTeX math, without the ``$$`` around it."""

    kind: Literal["equation"] = "equation"
    latex: _Text = Field(min_length=1, max_length=MAX_LATEX)

    @field_validator("latex")
    @classmethod
    def _bare(cls, value: str) -> str:
        value = value.strip()
        while value.startswith("$") and value.endswith("$") and len(value) > 1:
            value = value[1:-1].strip()
        if "$" in value.replace(r"\$", ""):
            raise ValueError("write the equation without '$' signs inside it")
        if not value:
            raise ValueError("is empty")
        return value

    def spoken(self, language: str = "en") -> str:
        """The equation read aloud in ``language`` ("E equals m c squared", "E égale m c au
        carré"; English words for a language :mod:`deck.math_words` has none for)."""
        return latex_words(self.latex, language)


class DiagramType(StrEnum):
    STEPS = "steps"
    CYCLE = "cycle"
    TABLE = "table"


_Cell = Annotated[_Text, Field(max_length=MAX_CELL)]


class Diagram(_Element):
    """Steps in order (``items``), a cycle of them, or a table (``header`` and ``rows``)."""

    kind: Literal["diagram"] = "diagram"
    type: DiagramType = DiagramType.STEPS
    items: list[Annotated[_Text, Field(min_length=1, max_length=MAX_STEP)]] = Field(
        default_factory=list, max_length=MAX_STEPS
    )
    header: list[_Cell] = Field(default_factory=list, max_length=MAX_COLUMNS)
    rows: list[list[_Cell]] = Field(default_factory=list, max_length=MAX_ROWS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.type is DiagramType.TABLE:
            if self.items:
                raise ValueError("a table has a header and rows, not items")
            if not 2 <= len(self.header) <= MAX_COLUMNS:
                raise ValueError(f"a table has 2 to {MAX_COLUMNS} columns, not {len(self.header)}")
            if not self.rows:
                raise ValueError("the table has a header but no rows")
            for n, row in enumerate(self.rows, 1):
                if len(row) != len(self.header):
                    raise ValueError(
                        f"row {n} has {len(row)} cells but the table has {len(self.header)} "
                        "columns; give every row one cell per column"
                    )
                if not any(row):
                    raise ValueError(f"row {n} of the table is empty")
            return self
        if self.header or self.rows:
            raise ValueError(f"{self.type.value} are items in order, not a table's rows")
        if len(self.items) < 2:
            raise ValueError(f"{self.type.value} need at least 2 items, not {len(self.items)}")
        return self

    def spoken(self, language: str = "en") -> str:
        return ""


Element = Annotated[Chart | Code | Equation | Diagram, Field(discriminator="kind")]
