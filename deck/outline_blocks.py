"""The outline's element blocks: charts, code and equations, read and written back.

::

    ```chart                             a chart: settings, then a table (or labels/series)
    type: bar                            bar | stacked bar | line | pie
    y: Revenue                           the value axis' title (x: the category axis')
    unit: $M                             shown after the values
    | Year | North | South |             header: the category axis' title, the series' names
    | ---- | ----- | ----- |
    | 2023 | 4.2   | 3.1   |             one row per label
    ```

    ```chart
    type: line
    labels: Mon, Tue, Wed                the same data as lines: labels, then one line a series
    series Visitors: 120, 135, 150
    ```

    ```python                            any other fenced block is code in that language
    print("hello")
    ```

    $$ E = mc^2 $$                       an equation (or a ```math block, or $$ on lines of
                                         their own around it)

    ```diagram                           a diagram: steps or a cycle...
    type: steps                          steps | cycle | table
    Seed -> Sprout -> Flower             items joined by arrows (-> or →), or one a line ('- ')
    ```

    ```diagram                           ...or a comparison table (2 to 4 columns)
    type: table
    | | Plants | Animals |
    | --- | --- | --- |
    | Energy | sunlight | food |
    ```

Errors name the outline's line and the slide: ``line 14: slide 3: series 'North' has 4
values but the chart has 3 labels``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .elements import Chart, ChartType, Code, Diagram, DiagramType, Element, Equation
from .errors import OutlineError

_ARROW = re.compile(r"\s*(?:->|→|⟶|=>)\s*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_RULE_CELL = re.compile(r"^:?-{1,}:?$")
_CHART_KEYS = {
    "type": "type",
    "kind": "type",
    "x": "x_title",
    "x title": "x_title",
    "x axis": "x_title",
    "y": "y_title",
    "y title": "y_title",
    "y axis": "y_title",
    "unit": "unit",
    "units": "unit",
    "labels": "labels",
}
_TYPES = {
    "bar": ChartType.BAR,
    "bars": ChartType.BAR,
    "column": ChartType.BAR,
    "stacked bar": ChartType.STACKED_BAR,
    "stacked": ChartType.STACKED_BAR,
    "line": ChartType.LINE,
    "lines": ChartType.LINE,
    "pie": ChartType.PIE,
}


def read_chart(body: list[tuple[int, str]], slide: int) -> dict[str, Any]:
    """The chart's data from the lines of a ```chart block (each with its line number)."""
    data: dict[str, Any] = {"kind": "chart"}
    listed: list[dict[str, Any]] = []
    table: list[tuple[int, list[str], bool]] = []
    labels_line = 0
    for number, raw in body:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("|"):
            table.append((number, _cells(line), _is_rule(line)))
            continue
        key, sep, value = line.partition(":")
        key = re.sub(r"[\s_-]+", " ", key.strip().lower())
        value = value.strip()
        if sep and (key == "series" or key.startswith("series ")):
            name = line.partition(":")[0].strip()[len("series") :].strip()
            values = [v.strip() for v in value.split(",")] if value else []
            listed.append({"name": name, "cells": values, "line": number})
            continue
        if not sep or key not in _CHART_KEYS:
            raise _error(
                slide,
                number,
                f"'{line}' is not part of a chart; write 'type:', 'x:', 'y:', 'unit:', "
                "'labels:', 'series NAME: 1, 2, 3' or a table of rows '| label | value |'",
            )
        field = _CHART_KEYS[key]
        if field == "type":
            kind = _TYPES.get(re.sub(r"[\s_-]+", " ", value.lower()))
            if kind is None:
                choices = ", ".join(t.value.replace("_", " ") for t in ChartType)
                raise _error(slide, number, f"unknown chart type '{value}'; choose {choices}")
            data["type"] = kind.value
        elif field == "labels":
            data["labels"] = [label.strip() for label in value.split(",") if label.strip()]
            labels_line = number
        else:
            data[field] = value
    if table and (listed or "labels" in data):
        raise _error(
            slide, table[0][0], "give the chart's data as a table or as labels and series, not both"
        )
    if table:
        _read_table(table, data, slide)
    else:
        labels = data.get("labels")
        if not labels:
            where = labels_line or (body[0][0] if body else 0)
            raise _error(slide, where, "the chart has no labels; add 'labels: A, B, C' or a table")
        if not listed:
            raise _error(slide, labels_line, "the chart has no series; add 'series NAME: 1, 2, 3'")
        data["series"] = []
        for item in listed:
            name = item["name"]
            what = f"series '{name}'" if name else "the series"
            if len(item["cells"]) != len(labels):
                more = "more" if len(item["cells"]) > len(labels) else "fewer"
                raise _error(
                    slide,
                    item["line"],
                    f"{what} has {len(item['cells'])} values but the chart has {len(labels)} "
                    f"labels ({more} values than labels)",
                )
            values = [
                _number(cell, slide, item["line"], f"{what}, label '{label}'", commas=False)
                for cell, label in zip(item["cells"], labels, strict=True)
            ]
            data["series"].append({"name": name, "values": values})
    return data


def _read_table(table: list[tuple[int, list[str], bool]], data: dict[str, Any], slide: int) -> None:
    header_line, header, _ = table[0]
    if len(header) < 2:
        raise _error(
            slide, header_line, "a chart table needs a label column and at least one series"
        )
    rows = [(n, cells) for n, cells, rule in table[1:] if not rule]
    if not rows:
        raise _error(slide, header_line, "the chart table has a header but no rows of data")
    data.setdefault("x_title", header[0])
    names = header[1:]
    labels: list[str] = []
    columns: list[list[float]] = [[] for _ in names]
    for number, cells in rows:
        if len(cells) != len(header):
            raise _error(
                slide,
                number,
                f"this chart row has {len(cells)} cells but the header has {len(header)}; "
                "every row needs a label and one value per series",
            )
        label = cells[0]
        labels.append(label)
        for column, name, cell in zip(columns, names, cells[1:], strict=True):
            what = f"series '{name}', label '{label}'" if name else f"label '{label}'"
            column.append(_number(cell, slide, number, what, commas=True))
    data["labels"] = labels
    data["series"] = [
        {"name": name, "values": column} for name, column in zip(names, columns, strict=True)
    ]


def _is_rule(line: str) -> bool:
    """Whether a table line is the rule under its header (``| --- | :-: |``), as written:
    an escaped ``\\-`` cell is text."""
    return all(_RULE_CELL.match(cell) for cell in _split_cells(line))


def _split_cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(text)]


def _cells(line: str) -> list[str]:
    return [_unescape_cell(cell) for cell in _split_cells(line)]


def _unescape_cell(cell: str) -> str:
    return re.sub(r"\\([\\|:-])", r"\1", cell)


def _escape_cell(cell: str) -> str:
    """A cell's text as written in a table row: backslashes and bars escaped, and a cell of
    dashes and colons only (which would read as the rule under a header) too."""
    text = cell.replace("\\", "\\\\").replace("|", "\\|")
    return "\\" + text if _RULE_CELL.match(text) else text


def _number(cell: str, slide: int, line: int, what: str, *, commas: bool) -> float:
    text = cell.strip().replace("\u2212", "-")
    if commas:
        text = text.replace(",", "")
    text = text.removesuffix("%").strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not text or not math.isfinite(value):
        raise _error(slide, line, f"'{cell}' is not a number ({what}); a chart shows numbers only")
    return value


def _error(slide: int, line: int, message: str) -> OutlineError:
    return OutlineError(f"slide {slide}: {message}", line=line or None)


def read_diagram(body: list[tuple[int, str]], slide: int) -> dict[str, Any]:
    """The diagram's data from the lines of a ```diagram block."""
    data: dict[str, Any] = {"kind": "diagram", "type": DiagramType.STEPS.value}
    items: list[str] = []
    table: list[tuple[int, list[str], bool]] = []
    for number, raw in body:
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("type", "kind") and not items and not table:
            name = value.strip().lower()
            if name not in {t.value for t in DiagramType}:
                choices = ", ".join(t.value for t in DiagramType)
                raise _error(
                    slide, number, f"unknown diagram type '{value.strip()}'; choose {choices}"
                )
            data["type"] = name
        elif line.startswith("|"):
            table.append((number, _cells(line), _is_rule(line)))
        elif line.startswith("- "):
            items.append(line[2:].strip())
        else:
            items.extend(part for part in _ARROW.split(line) if part)
    if data["type"] == DiagramType.TABLE.value:
        if items or not table:
            raise _error(
                slide, body[0][0] if body else 0, "a table diagram is a table: '| a | b |' rows"
            )
        header = table[0][1]
        rows = [(n, c) for n, c, rule in table[1:] if not rule]
        for number, cells in rows:
            if len(cells) != len(header):
                raise _error(
                    slide,
                    number,
                    f"this table row has {len(cells)} cells but the header has {len(header)}; "
                    "give every row one cell per column",
                )
        data["header"] = header
        data["rows"] = [cells for _, cells in rows]
    elif table:
        raise _error(
            slide, table[0][0], f"{data['type']} are items, not a table; use 'type: table'"
        )
    else:
        data["items"] = items
    return data


def read_code(language: str, body: list[tuple[int, str]]) -> dict[str, Any]:
    return {"kind": "code", "language": language, "text": "\n".join(raw for _, raw in body)}


def read_equation(body: list[str]) -> dict[str, Any]:
    return {"kind": "equation", "latex": " ".join(part.strip() for part in body)}


# -- writing -----------------------------------------------------------------------------------


def element_markdown(element: Element) -> list[str]:
    """The outline lines that :func:`read_chart` and the code/equation readers read back as
    ``element``."""
    if isinstance(element, Equation):
        return [f"$$ {element.latex} $$"]
    if isinstance(element, Diagram):
        out = ["```diagram", f"type: {element.type.value}"]
        if element.type is DiagramType.TABLE:
            out.append(_row(element.header))
            out.append(_rule(len(element.header)))
            out.extend(_row(row) for row in element.rows)
        else:
            out.extend(f"- {item}" for item in element.items)
        return [*out, "```"]
    if isinstance(element, Code):
        longest = max((len(run) for run in re.findall(r"`+", element.text)), default=0)
        fence = "`" * max(3, longest + 1)
        return [f"{fence}{element.language}", *element.lines, fence]
    return _chart_markdown(element)


def _chart_markdown(chart: Chart) -> list[str]:
    out = ["```chart", f"type: {chart.type.value.replace('_', ' ')}"]
    if chart.y_title:
        out.append(f"y: {chart.y_title}")
    if chart.unit:
        out.append(f"unit: {chart.unit}")
    header = [chart.x_title, *(series.name for series in chart.series)]
    out.append(_row(header))
    out.append(_rule(len(header)))
    for n, label in enumerate(chart.labels):
        out.append(_row([label, *(_format(series.values[n]) for series in chart.series)]))
    out.append("```")
    return out


def _rule(columns: int) -> str:
    return "| " + " | ".join(["---"] * columns) + " |"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_escape_cell(cell) for cell in cells) + " |"


def _format(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
