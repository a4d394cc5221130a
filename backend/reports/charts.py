"""SVG charts of providers' competency levels, for reports and print.

Two pure functions return standalone SVG 1.1 documents as strings:

* `progress_svg` — one provider: self-assessed level, evidenced level and target per competency;
* `heatmap_svg` — the mean level of each group (columns) in each competency (rows).

Both read in black and white: series differ by shape and lightness, not by hue alone, and the
heatmap writes its values in the cells. Fixed texts (legends, axes, captions) follow the active
language; content labels (competencies, groups, titles) arrive translated from the caller.
"""

import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

from common.labels import Label

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"

# Text sizes (px) and the estimated average glyph width, as a fraction of the font size.
TITLE_SIZE = 16
LABEL_SIZE = 12
VALUE_SIZE = 13
SMALL_SIZE = 11
CHAR_WIDTH = 0.62

# Character budgets: longer texts are cut and end with an ellipsis.
TITLE_BUDGET = 90
ROW_LABEL_BUDGET = 32
COLUMN_LABEL_BUDGET = 24
ELLIPSIS = "…"

MARGIN = 16
LABEL_GAP = 10
TITLE_GAP = 14
MIN_WIDTH = 360

BLACK = "#000000"
WHITE = "#ffffff"
GRID = "#bdbdbd"
CELL_BORDER = "#9e9e9e"

# Progress chart.
PLOT_WIDTH = 400
ROW_HEIGHT = 36
SELF_HEIGHT = 16
EVIDENCED_HEIGHT = 8
BAR_GAP = 2
SELF_FILL = "#08306b"
EVIDENCED_FILL = "#c6dbef"
TARGET_WIDTH = 2
TARGET_HALO_WIDTH = 6
TARGET_OVERHANG = 3
TICK_LENGTH = 4
MAX_TICKS = 10
SWATCH = 14
LEGEND_ROW_HEIGHT = 18
LEGEND_GAP = 20

# Heatmap.
CELL_WIDTH = 72
CELL_HEIGHT = 44
ROTATE_AFTER_COLUMNS = 6
ROTATION = -45
SCALE_SWATCH_WIDTH = 30
SCALE_SWATCH_HEIGHT = 20
CAPTION_LINE_HEIGHT = 15
# ColorBrewer "Blues": lightness falls steadily from the first stop to the last.
SEQUENTIAL_STOPS = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)

NO_DATA = Label(fr="Aucune donnée", en="No data")
COLON = Label(fr=" : ", en=": ")
SELF_ASSESSED = Label(fr="Auto-évaluation", en="Self-assessed")
EVIDENCED = Label(fr="Acquis en formation", en="Evidenced by training")
TARGET = Label(fr="Objectif du parcours", en="Learning-path target")
NOT_ASSESSED = Label(fr="non évalué", en="not assessed")
LEVEL_AXIS = Label(fr="Niveau", en="Level")
MEAN_LEVEL = Label(fr="Niveau moyen", en="Mean level")
HEATMAP_CAPTION = Label(
    fr=(
        "Niveau moyen du groupe dans chaque compétence, de 0 à {max} ; "
        "n = nombre de prestataires pris en compte ; – = aucune évaluation."
    ),
    en=(
        "Mean level of the group in each competency, from 0 to {max}; "
        "n = number of providers counted; – = no assessment."
    ),
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ProgressBar:
    """One competency of a provider's progress chart; a None level is not drawn."""

    label: str
    self_assessed: int | None
    evidenced: int | None
    target: int | None


@dataclass(frozen=True)
class HeatCell:
    """One heatmap cell: the group's mean level in the competency, over `n` providers."""

    mean: float | None
    n: int


@dataclass(frozen=True)
class _Axis:
    """Maps levels 0..scale_max onto a horizontal span starting at `x0`."""

    x0: float
    width: float
    scale_max: int

    def length(self, level: float) -> float:
        """The horizontal length of `level`, clamped to the scale."""
        return self.width * min(max(level, 0), self.scale_max) / self.scale_max

    def x(self, level: float) -> float:
        """The x coordinate of `level`."""
        return self.x0 + self.length(level)


# Progress chart.


def progress_svg(*, title: str, scale_max: int, bars: Sequence[ProgressBar]) -> str:
    """Per competency: a horizontal bar for the self-assessed level, a second thinner bar for the
    evidenced level, and a marker (vertical tick/line) at the target level; x axis 0..scale_max
    with gridlines and numbered ticks; a legend."""
    if not bars:
        return _empty_svg(title)
    _check_scale(scale_max)
    root, top = _document(title)
    legend_width = _progress_legend(root, MARGIN, top)
    label_width = max(_text_width(_shown(bar.label, ROW_LABEL_BUDGET)) for bar in bars)
    axis = _Axis(MARGIN + label_width + LABEL_GAP, PLOT_WIDTH, scale_max)
    plot_top = top + LEGEND_ROW_HEIGHT + TITLE_GAP + TARGET_OVERHANG
    plot_bottom = plot_top + len(bars) * ROW_HEIGHT
    _grid(root, axis, plot_top, plot_bottom)
    for index, bar in enumerate(bars):
        _progress_row(root, axis, bar, plot_top + index * ROW_HEIGHT)
    _axis_line(root, axis, plot_top, plot_bottom)
    bottom = _x_axis(root, axis, plot_bottom)
    width = max(
        axis.x0 + axis.width + MARGIN + LABEL_SIZE,
        legend_width + 2 * MARGIN,
        _title_width(title) + 2 * MARGIN,
    )
    return _finish(root, width, bottom + MARGIN)


def _progress_legend(parent: ET.Element, x: float, top: float) -> float:
    """Draws the legend row at (x, top); returns its width."""
    group = ET.SubElement(parent, "g", {"class": "legend"})
    middle = top + LEGEND_ROW_HEIGHT / 2
    start = x
    swatches = (_self_swatch, _evidenced_swatch, _target_swatch)
    labels = (SELF_ASSESSED, EVIDENCED, TARGET)
    for draw, label in zip(swatches, labels, strict=True):
        draw(group, x, middle)
        text = str(label)
        _text(group, x + SWATCH + 6, middle + LABEL_SIZE * 0.35, text)
        x += SWATCH + 6 + _text_width(text) + LEGEND_GAP
    return x - LEGEND_GAP - start


def _self_swatch(parent: ET.Element, x: float, middle: float) -> None:
    _rect(parent, x, middle - SELF_HEIGHT / 2, SWATCH, SELF_HEIGHT, "legend-self", _self_style())


def _evidenced_swatch(parent: ET.Element, x: float, middle: float) -> None:
    y = middle - EVIDENCED_HEIGHT / 2
    _rect(parent, x, y, SWATCH, EVIDENCED_HEIGHT, "legend-evidenced", _evidenced_style())


def _target_swatch(parent: ET.Element, x: float, middle: float) -> None:
    half = LEGEND_ROW_HEIGHT / 2
    _line(parent, x + SWATCH / 2, middle - half, middle + half, "legend-target", _target_style())


def _progress_row(parent: ET.Element, axis: _Axis, bar: ProgressBar, top: float) -> None:
    """One competency: its label, its bars and its target marker."""
    group = ET.SubElement(parent, "g", {"class": "row"})
    block = SELF_HEIGHT + BAR_GAP + EVIDENCED_HEIGHT
    self_y = top + (ROW_HEIGHT - block) / 2
    evidenced_y = self_y + SELF_HEIGHT + BAR_GAP
    label_y = top + ROW_HEIGHT / 2 + LABEL_SIZE * 0.35
    anchor = {"text-anchor": "end"}
    _text(group, axis.x0 - LABEL_GAP, label_y, bar.label, budget=ROW_LABEL_BUDGET, attrs=anchor)
    if bar.self_assessed is None:
        text_y = self_y + SELF_HEIGHT / 2 + SMALL_SIZE * 0.35
        style = {"class": "missing", "font-style": "italic"}
        _text(group, axis.x0 + 4, text_y, str(NOT_ASSESSED), size=SMALL_SIZE, attrs=style)
    else:
        width = axis.length(bar.self_assessed)
        rect = _rect(group, axis.x0, self_y, width, SELF_HEIGHT, "self", _self_style())
        _tooltip(rect, SELF_ASSESSED, bar.self_assessed)
    if bar.evidenced is not None:
        width = axis.length(bar.evidenced)
        style = _evidenced_style()
        rect = _rect(group, axis.x0, evidenced_y, width, EVIDENCED_HEIGHT, "evidenced", style)
        _tooltip(rect, EVIDENCED, bar.evidenced)
    if bar.target is not None:
        _target_marker(group, axis.x(bar.target), top, bar.target)


def _target_marker(parent: ET.Element, x: float, top: float, level: int) -> None:
    """A black line across the row, on a white halo so it shows over the dark bar."""
    y1, y2 = top - TARGET_OVERHANG, top + ROW_HEIGHT + TARGET_OVERHANG
    halo = {"stroke": WHITE, "stroke-width": str(TARGET_HALO_WIDTH)}
    _line(parent, x, y1 + 1, y2 - 1, "target-halo", halo)
    _tooltip(_line(parent, x, y1, y2, "target", _target_style()), TARGET, level)


def _self_style() -> dict[str, str]:
    return {"fill": SELF_FILL}


def _evidenced_style() -> dict[str, str]:
    return {"fill": EVIDENCED_FILL, "stroke": BLACK, "stroke-width": "1"}


def _target_style() -> dict[str, str]:
    return {"stroke": BLACK, "stroke-width": str(TARGET_WIDTH)}


def _grid(parent: ET.Element, axis: _Axis, top: float, bottom: float) -> None:
    """Light vertical gridlines at every tick."""
    group = ET.SubElement(parent, "g", {"class": "grid"})
    for level in _ticks(axis.scale_max):
        _line(group, axis.x(level), top, bottom, "gridline", {"stroke": GRID, "stroke-width": "1"})


def _axis_line(parent: ET.Element, axis: _Axis, top: float, bottom: float) -> None:
    """The black baseline the bars start from."""
    _line(parent, axis.x0, top, bottom, "baseline", {"stroke": BLACK, "stroke-width": "1"})


def _x_axis(parent: ET.Element, axis: _Axis, y: float) -> float:
    """The axis line, its numbered ticks and its title under the plot; returns its bottom."""
    group = ET.SubElement(parent, "g", {"class": "x-axis"})
    line = {"x1": _n(axis.x0), "x2": _n(axis.x0 + axis.width), "y1": _n(y), "y2": _n(y)}
    ET.SubElement(group, "line", {**line, "stroke": BLACK, "stroke-width": "1"})
    number_y = y + TICK_LENGTH + SMALL_SIZE + 2
    for level in _ticks(axis.scale_max):
        x = axis.x(level)
        _line(group, x, y, y + TICK_LENGTH, "tick", {"stroke": BLACK, "stroke-width": "1"})
        attrs = {"class": "tick-label", "text-anchor": "middle"}
        _text(group, x, number_y, str(level), size=SMALL_SIZE, attrs=attrs)
    title_y = number_y + LABEL_SIZE + 6
    attrs = {"class": "axis-title", "text-anchor": "middle"}
    _text(group, axis.x0 + axis.width / 2, title_y, str(LEVEL_AXIS), attrs=attrs)
    return title_y + LABEL_SIZE * 0.3


def _ticks(scale_max: int) -> range:
    """Levels to mark on the axis: every level, or a round step on long scales."""
    step = next(step for step in _round_steps() if scale_max / step <= MAX_TICKS)
    return range(0, scale_max + 1, step)


def _round_steps() -> Iterator[int]:
    """1, 2, 5, 10, 20, 50, 100, …"""
    power = 1
    while True:
        yield from (power, 2 * power, 5 * power)
        power *= 10


# Heatmap.


def heatmap_svg(
    *,
    title: str,
    scale_max: int,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
) -> str:
    """A heatmap: one row per competency, one column per group; each cell coloured on a sequential
    scale from 0 to scale_max by its mean, with the mean (one decimal, locale decimal separator:
    comma in French, point in English) written in it, and small "n=…" under it; an empty cell
    (mean None) is white with a dash. A colour legend (0..scale_max) and a caption."""
    if not row_labels or not column_labels:
        return _empty_svg(title)
    _check_scale(scale_max)
    _check_shape(cells, len(row_labels), len(column_labels))
    root, top = _document(title)
    label_width = max(_text_width(_shown(label, ROW_LABEL_BUDGET)) for label in row_labels)
    grid_x = MARGIN + label_width + LABEL_GAP
    header_height, overflow = _column_header_extent(column_labels)
    grid_top = top + header_height
    _column_headers(root, column_labels, grid_x, grid_top)
    for row, label in enumerate(row_labels):
        row_top = grid_top + row * CELL_HEIGHT
        _heatmap_row(root, label, cells[row], grid_x, row_top, scale_max)
    grid_bottom = grid_top + len(row_labels) * CELL_HEIGHT
    legend_width = _scale_legend(root, MARGIN, grid_bottom + TITLE_GAP, scale_max)
    width = max(
        grid_x + len(column_labels) * CELL_WIDTH + overflow + MARGIN,
        legend_width + 2 * MARGIN,
        _title_width(title) + 2 * MARGIN,
        MIN_WIDTH,
    )
    caption_top = grid_bottom + TITLE_GAP + SCALE_SWATCH_HEIGHT + TITLE_GAP
    bottom = _caption(root, caption_top, width, scale_max)
    return _finish(root, width, bottom + MARGIN)


def _check_shape(cells: Sequence[Sequence[HeatCell]], rows: int, columns: int) -> None:
    if len(cells) != rows or any(len(row) != columns for row in cells):
        raise ValueError(f"cells must be {rows} rows of {columns} columns")


def _rotate_columns(column_labels: Sequence[str]) -> bool:
    """Whether column labels are too many or too long to stand horizontally."""
    if len(column_labels) > ROTATE_AFTER_COLUMNS:
        return True
    widest = max(_text_width(_shown(label, COLUMN_LABEL_BUDGET)) for label in column_labels)
    return widest > CELL_WIDTH - 8


def _column_header_extent(column_labels: Sequence[str]) -> tuple[float, float]:
    """The header's height, and how far rotated labels reach past the last column."""
    if not _rotate_columns(column_labels):
        return LABEL_SIZE + 8, 0
    slant = math.cos(math.radians(ROTATION))
    lengths = [_text_width(_shown(label, COLUMN_LABEL_BUDGET)) * slant for label in column_labels]
    reach = max((index + 0.5) * CELL_WIDTH + length for index, length in enumerate(lengths))
    overflow = max(0.0, reach - len(column_labels) * CELL_WIDTH)
    return max(lengths) + LABEL_SIZE + 6, overflow


def _column_headers(parent: ET.Element, labels: Sequence[str], grid_x: float, y: float) -> None:
    """Group names above their columns, slanted when they would not fit."""
    group = ET.SubElement(parent, "g", {"class": "column-labels"})
    rotate = _rotate_columns(labels)
    baseline = y - 6
    for index, label in enumerate(labels):
        x = grid_x + (index + 0.5) * CELL_WIDTH
        if rotate:
            attrs = {"transform": f"rotate({ROTATION} {_n(x)} {_n(baseline)})"}
        else:
            attrs = {"text-anchor": "middle"}
        attrs["class"] = "column-label"
        _text(group, x, baseline, label, budget=COLUMN_LABEL_BUDGET, attrs=attrs)


def _heatmap_row(
    parent: ET.Element,
    label: str,
    cells: Sequence[HeatCell],
    grid_x: float,
    top: float,
    scale_max: int,
) -> None:
    """One competency: its label and one cell per group."""
    group = ET.SubElement(parent, "g", {"class": "row"})
    label_y = top + CELL_HEIGHT / 2 + LABEL_SIZE * 0.35
    attrs = {"class": "row-label", "text-anchor": "end"}
    _text(group, grid_x - LABEL_GAP, label_y, label, budget=ROW_LABEL_BUDGET, attrs=attrs)
    for column, cell in enumerate(cells):
        _heat_cell(group, cell, grid_x + column * CELL_WIDTH, top, scale_max)


def _heat_cell(parent: ET.Element, cell: HeatCell, x: float, y: float, scale_max: int) -> None:
    """A cell coloured by its mean, with the mean and its count written in it."""
    mean = cell.mean if cell.mean is not None and math.isfinite(cell.mean) else None
    fill = WHITE if mean is None else _sequential_colour(mean / scale_max)
    border = {"fill": fill, "stroke": CELL_BORDER, "stroke-width": "1"}
    rect = _rect(parent, x, y, CELL_WIDTH, CELL_HEIGHT, "cell", border)
    centre = x + CELL_WIDTH / 2
    ink = _text_colour(fill)
    if mean is None:
        ET.SubElement(rect, "title").text = f"{MEAN_LEVEL}{COLON}–"
        attrs = {"class": "value", "text-anchor": "middle", "fill": ink}
        _text(parent, centre, y + CELL_HEIGHT / 2 + VALUE_SIZE * 0.35, "–", attrs=attrs)
        return
    value = _decimal(mean)
    ET.SubElement(rect, "title").text = f"{MEAN_LEVEL}{COLON}{value} (n={cell.n})"
    attrs = {"class": "value", "text-anchor": "middle", "fill": ink, "font-weight": "bold"}
    _text(parent, centre, y + 20, value, size=VALUE_SIZE, attrs=attrs)
    attrs = {"class": "count", "text-anchor": "middle", "fill": ink}
    _text(parent, centre, y + 35, f"n={cell.n}", size=SMALL_SIZE, attrs=attrs)


def _scale_legend(parent: ET.Element, x: float, top: float, scale_max: int) -> float:
    """The colour of every whole level, numbered; returns the legend's width."""
    group = ET.SubElement(parent, "g", {"class": "legend"})
    text = str(MEAN_LEVEL)
    middle = top + SCALE_SWATCH_HEIGHT / 2
    _text(group, x, middle + LABEL_SIZE * 0.35, text)
    start = x + _text_width(text) + LABEL_GAP
    for level in range(scale_max + 1):
        fill = _sequential_colour(level / scale_max)
        swatch_x = start + level * SCALE_SWATCH_WIDTH
        style = {"fill": fill, "stroke": CELL_BORDER, "stroke-width": "1"}
        _rect(group, swatch_x, top, SCALE_SWATCH_WIDTH, SCALE_SWATCH_HEIGHT, "legend-swatch", style)
        attrs = {"text-anchor": "middle", "fill": _text_colour(fill)}
        centre = swatch_x + SCALE_SWATCH_WIDTH / 2
        _text(group, centre, middle + SMALL_SIZE * 0.35, str(level), size=SMALL_SIZE, attrs=attrs)
    return start + (scale_max + 1) * SCALE_SWATCH_WIDTH - x


def _caption(parent: ET.Element, top: float, width: float, scale_max: int) -> float:
    """The caption, wrapped to the chart's width; returns its bottom."""
    text = str(HEATMAP_CAPTION).format(max=scale_max)
    chars = max(20, int((width - 2 * MARGIN) / (SMALL_SIZE * CHAR_WIDTH)))
    y = top
    for line in textwrap.wrap(text, chars):
        y += CAPTION_LINE_HEIGHT
        _text(parent, MARGIN, y, line, size=SMALL_SIZE, attrs={"class": "caption"})
    return y + SMALL_SIZE * 0.3


def _sequential_colour(fraction: float) -> str:
    """The colour of `fraction` (0..1) on the light-to-dark scale."""
    position = min(max(fraction, 0.0), 1.0) * (len(SEQUENTIAL_STOPS) - 1)
    index = min(int(position), len(SEQUENTIAL_STOPS) - 2)
    low, high = _rgb(SEQUENTIAL_STOPS[index]), _rgb(SEQUENTIAL_STOPS[index + 1])
    mix = position - index
    channels = (round(a + (b - a) * mix) for a, b in zip(low, high, strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a #rrggbb colour."""
    linear = [c / 255 for c in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill`."""
    luminance = _luminance(fill)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return WHITE if on_white > on_black else BLACK


def _decimal(value: float) -> str:
    """`value` with one decimal, halves rounded up, and the active language's decimal separator."""
    rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))
    return f"{rounded:.1f}".replace(".", separator)


# Shared drawing.


def _check_scale(scale_max: int) -> None:
    if scale_max < 1:
        raise ValueError("scale_max must be at least 1")


def _document(title: str) -> tuple[ET.Element, float]:
    """A new SVG root with its title, background and visible heading; returns the root and the
    y coordinate where the drawing continues. The size is set by `_finish`."""
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "version": "1.1",
            "width": "0",
            "height": "0",
            "viewBox": "0 0 0 0",
            "role": "img",
            "font-family": FONT_FAMILY,
        },
    )
    ET.SubElement(root, "title").text = _clean(title)
    ET.SubElement(root, "rect", {"class": "background", "x": "0", "y": "0", "fill": WHITE})
    baseline = MARGIN + TITLE_SIZE
    attrs = {"class": "heading", "font-weight": "bold"}
    _text(root, MARGIN, baseline, title, size=TITLE_SIZE, budget=TITLE_BUDGET, attrs=attrs)
    return root, baseline + TITLE_GAP


def _finish(root: ET.Element, width: float, height: float) -> str:
    """Sets the document's size and serialises it."""
    size = {"width": str(math.ceil(width)), "height": str(math.ceil(height))}
    root.attrib.update(size)
    root.set("viewBox", f"0 0 {size['width']} {size['height']}")
    background = root.find("rect")
    if background is not None:
        background.attrib.update(size)
    return ET.tostring(root, encoding="unicode")


def _empty_svg(title: str) -> str:
    """A chart with nothing to show but its title and a "No data" message."""
    root, top = _document(title)
    attrs = {"class": "empty", "text-anchor": "middle"}
    width = max(MIN_WIDTH, _title_width(title) + 2 * MARGIN)
    y = top + 2 * LABEL_SIZE
    _text(root, width / 2, y, str(NO_DATA), attrs=attrs)
    return _finish(root, width, y + LABEL_SIZE + MARGIN)


def _rect(
    parent: ET.Element,
    x: float,
    y: float,
    width: float,
    height: float,
    css_class: str,
    style: dict[str, str],
) -> ET.Element:
    box = {"x": _n(x), "y": _n(y), "width": _n(width), "height": _n(height)}
    return ET.SubElement(parent, "rect", {"class": css_class, **box, **style})


def _line(
    parent: ET.Element,
    x: float,
    y1: float,
    y2: float,
    css_class: str,
    style: dict[str, str],
) -> ET.Element:
    """A vertical line."""
    ends = {"x1": _n(x), "y1": _n(y1), "x2": _n(x), "y2": _n(y2)}
    return ET.SubElement(parent, "line", {"class": css_class, **ends, **style})


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    content: str,
    *,
    size: int = LABEL_SIZE,
    budget: int | None = None,
    attrs: dict[str, str] | None = None,
) -> ET.Element:
    """A text element; past `budget` characters it is cut, the full text kept as its title."""
    full = _clean(content)
    shown = _shown(full, budget)
    base = {"x": _n(x), "y": _n(y), "font-size": str(size), "fill": BLACK}
    element = ET.SubElement(parent, "text", {**base, **(attrs or {})})
    if shown == full:
        element.text = shown
    else:
        ET.SubElement(element, "title").text = full
        element[0].tail = shown
    return element


def _tooltip(element: ET.Element, label: Label, level: int) -> None:
    ET.SubElement(element, "title").text = f"{label}{COLON}{level}"


def _shown(text: str, budget: int | None) -> str:
    """`text` cut to `budget` characters, ending with an ellipsis when cut."""
    text = _clean(text)
    if budget is None or len(text) <= budget:
        return text
    return text[: budget - 1].rstrip() + ELLIPSIS


def _clean(text: str) -> str:
    """`text` on one line, without characters XML cannot hold."""
    return " ".join(_XML_INVALID.sub("", text).split())


def _text_width(text: str, size: int = LABEL_SIZE) -> float:
    """An estimate of the width of `text` in pixels."""
    return len(text) * size * CHAR_WIDTH


def _title_width(title: str) -> float:
    return _text_width(_shown(title, TITLE_BUDGET), TITLE_SIZE)


def _n(value: float) -> str:
    """A coordinate, with at most two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
