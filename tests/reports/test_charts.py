"""The SVG charts: valid standalone documents, faithful geometry, localized texts."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from reports.charts import HeatCell, ProgressBar, heatmap_svg, progress_svg

SVG = "{http://www.w3.org/2000/svg}"
TRICKY = 'Tom & "Jerry" <b>'
LONG = "Créer et animer une page professionnelle sur plusieurs réseaux sociaux à la fois"

BARS = [
    ProgressBar(label="Publier sur Instagram", self_assessed=2, evidenced=3, target=4),
    ProgressBar(label="Envoyer un courriel", self_assessed=4, evidenced=None, target=3),
    ProgressBar(label="Animer une page", self_assessed=None, evidenced=1, target=None),
    ProgressBar(label="Écrire un post", self_assessed=0, evidenced=None, target=2),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [element for element in root.iter() if element.get("class") == css_class]


def shown(text: ET.Element) -> str:
    """The visible characters of a text element (a child <title> is not drawn)."""
    return (text.text or "") + "".join(child.tail or "" for child in text)


def texts(root: ET.Element) -> list[str]:
    return [shown(element) for element in root.iter(f"{SVG}text")]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def heatmap(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "title": "Niveaux par groupe",
        "scale_max": 4,
        "row_labels": ["Publier sur Instagram", "Envoyer un courriel"],
        "column_labels": ["Groupe A", "Groupe B", "Groupe C"],
        "cells": [
            [HeatCell(mean=2.5, n=3), HeatCell(mean=None, n=0), HeatCell(mean=4.0, n=1)],
            [HeatCell(mean=0.0, n=2), HeatCell(mean=1.04, n=5), HeatCell(mean=3.25, n=7)],
        ],
    }
    arguments.update(overrides)
    return heatmap_svg(**arguments)  # type: ignore[arg-type]


def progress(bars: list[ProgressBar] = BARS, title: str = "Progression de Léa") -> str:
    return progress_svg(title=title, scale_max=4, bars=bars)


def assert_standalone(svg: str, title: str) -> ET.Element:
    """A standalone SVG 1.1 document, sized, titled, without scripts or outside references."""
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("version") == "1.1"
    assert root.get("role") == "img"
    width, height = int(root.get("width", "")), int(root.get("height", ""))
    assert width > 0
    assert height > 0
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == title
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "href" not in svg
    assert "script" not in svg.lower()
    assert "url(" not in svg
    assert svg.count("http") == 1
    return root


def assert_printable(root: ET.Element) -> None:
    """White background, readable fonts, no text smaller than 11px."""
    background = root[1]
    assert background.tag == f"{SVG}rect"
    assert background.get("fill") == "#ffffff"
    assert background.get("width") == root.get("width")
    assert background.get("height") == root.get("height")
    assert root.get("font-family") == "DejaVu Sans, Arial, sans-serif"
    for text in root.iter(f"{SVG}text"):
        assert int(text.get("font-size", "0")) >= 11
        assert text.get("fill") in ("#000000", "#ffffff")


class TestProgress:
    def test_standalone_printable_document(self) -> None:
        root = assert_standalone(progress(), "Progression de Léa")
        assert_printable(root)
        assert "Progression de Léa" in texts(root)

    def test_one_element_per_level_given(self) -> None:
        root = parse(progress())
        assert len(by_class(root, "self")) == 3
        assert len(by_class(root, "evidenced")) == 2
        assert len(by_class(root, "target")) == 3
        assert len(by_class(root, "missing")) == 1

    def test_bar_widths_are_proportional_to_levels(self) -> None:
        root = parse(progress())
        gridlines = sorted(float(line.get("x1", "")) for line in by_class(root, "gridline"))
        assert len(gridlines) == 5
        plot_left, plot_width = gridlines[0], gridlines[-1] - gridlines[0]
        selves = by_class(root, "self")
        assert [float(bar.get("width", "")) for bar in selves] == pytest.approx(
            [plot_width / 2, plot_width, 0]
        )
        assert all(float(bar.get("x", "")) == pytest.approx(plot_left) for bar in selves)
        evidenced = by_class(root, "evidenced")
        assert [float(bar.get("width", "")) for bar in evidenced] == pytest.approx(
            [plot_width * 3 / 4, plot_width / 4]
        )

    def test_target_is_a_black_line_at_its_level(self) -> None:
        root = parse(progress())
        gridlines = sorted(float(line.get("x1", "")) for line in by_class(root, "gridline"))
        targets = by_class(root, "target")
        assert all(target.tag == f"{SVG}line" for target in targets)
        assert all(target.get("stroke") == "#000000" for target in targets)
        assert all(target.get("x1") == target.get("x2") for target in targets)
        xs = [float(target.get("x1", "")) for target in targets]
        assert xs == pytest.approx([gridlines[4], gridlines[3], gridlines[2]])

    def test_series_differ_by_more_than_hue(self) -> None:
        root = parse(progress())
        self_bar, evidenced_bar = by_class(root, "self")[0], by_class(root, "evidenced")[0]
        assert float(self_bar.get("height", "")) > float(evidenced_bar.get("height", ""))
        assert luminance(self_bar.get("fill", "")) < 0.1 < luminance(evidenced_bar.get("fill", ""))
        assert evidenced_bar.get("stroke") == "#000000"
        assert self_bar.get("stroke") is None

    def test_axis_is_numbered(self) -> None:
        root = parse(progress())
        assert [shown(text) for text in by_class(root, "tick-label")] == ["0", "1", "2", "3", "4"]

    def test_long_scales_get_round_ticks(self) -> None:
        root = parse(progress_svg(title="t", scale_max=20, bars=BARS))
        labels = [shown(text) for text in by_class(root, "tick-label")]
        assert labels == ["0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20"]

    def test_legend_in_french_by_default(self) -> None:
        root = parse(progress())
        assert {"Auto-évaluation", "Acquis en formation", "Objectif du parcours", "Niveau"} <= set(
            texts(root)
        )
        assert "non évalué" in texts(root)

    def test_legend_in_english(self) -> None:
        with translation.override("en"):
            root = parse(progress())
        assert {"Self-assessed", "Evidenced by training", "Learning-path target", "Level"} <= set(
            texts(root)
        )
        assert "not assessed" in texts(root)
        assert "Auto-évaluation" not in texts(root)

    def test_labels_and_title_are_escaped(self) -> None:
        bar = ProgressBar(label=TRICKY, self_assessed=1, evidenced=None, target=None)
        svg = progress([bar], title=TRICKY)
        assert "<b>" not in svg
        assert "&amp;" in svg
        assert "&lt;b&gt;" in svg
        root = assert_standalone(svg, TRICKY)
        assert texts(root).count(TRICKY) == 2

    def test_long_labels_are_cut_with_the_full_text_as_title(self) -> None:
        bar = ProgressBar(label=LONG, self_assessed=1, evidenced=None, target=None)
        root = parse(progress([bar]))
        label = next(text for text in root.iter(f"{SVG}text") if len(text))
        assert shown(label).endswith("…")
        assert len(shown(label)) == 32
        assert LONG.startswith(shown(label)[:-1])
        assert label.find(f"{SVG}title").text == LONG  # type: ignore[union-attr]

    def test_control_characters_are_dropped(self) -> None:
        label = "Bell\x07 and\nnewline"
        bar = ProgressBar(label=label, self_assessed=1, evidenced=None, target=None)
        root = parse(progress([bar]))
        assert "Bell and newline" in texts(root)

    def test_height_grows_with_the_bars(self) -> None:
        few = parse(progress(BARS[:1]))
        many = parse(progress(BARS * 5))
        assert int(many.get("height", "")) - int(few.get("height", "")) >= 19 * 30

    def test_levels_outside_the_scale_stay_in_the_plot(self) -> None:
        bar = ProgressBar(label="x", self_assessed=9, evidenced=-1, target=7)
        root = parse(progress([bar]))
        gridlines = sorted(float(line.get("x1", "")) for line in by_class(root, "gridline"))
        assert float(by_class(root, "self")[0].get("width", "")) == pytest.approx(
            gridlines[-1] - gridlines[0]
        )
        assert float(by_class(root, "evidenced")[0].get("width", "")) == 0
        assert float(by_class(root, "target")[0].get("x1", "")) == pytest.approx(gridlines[-1])

    def test_no_bars_says_no_data(self) -> None:
        root = assert_standalone(progress([]), "Progression de Léa")
        assert [shown(text) for text in by_class(root, "empty")] == ["Aucune donnée"]
        with translation.override("en"):
            root = parse(progress([]))
        assert [shown(text) for text in by_class(root, "empty")] == ["No data"]

    def test_scale_must_have_a_level(self) -> None:
        with pytest.raises(ValueError, match="scale_max"):
            progress_svg(title="t", scale_max=0, bars=BARS)


class TestHeatmap:
    def test_standalone_printable_document(self) -> None:
        root = assert_standalone(heatmap(), "Niveaux par groupe")
        assert_printable(root)

    def test_one_cell_per_row_and_column(self) -> None:
        root = parse(heatmap())
        assert len(by_class(root, "cell")) == 6
        assert [shown(text) for text in by_class(root, "row-label")] == [
            "Publier sur Instagram",
            "Envoyer un courriel",
        ]
        assert [shown(text) for text in by_class(root, "column-label")] == [
            "Groupe A",
            "Groupe B",
            "Groupe C",
        ]

    def test_values_use_a_french_decimal_comma(self) -> None:
        root = parse(heatmap())
        values = [shown(text) for text in by_class(root, "value")]
        assert values == ["2,5", "–", "4,0", "0,0", "1,0", "3,3"]
        counts = [shown(text) for text in by_class(root, "count")]
        assert counts == ["n=3", "n=1", "n=2", "n=5", "n=7"]

    def test_values_use_an_english_decimal_point(self) -> None:
        with translation.override("en"):
            root = parse(heatmap())
        values = [shown(text) for text in by_class(root, "value")]
        assert values == ["2.5", "–", "4.0", "0.0", "1.0", "3.3"]

    def test_halves_round_up(self) -> None:
        cells = [[HeatCell(mean=2.25, n=4), HeatCell(mean=2.675, n=3), HeatCell(mean=0.05, n=2)]]
        root = parse(heatmap(row_labels=["A"], cells=cells))
        assert [shown(text) for text in by_class(root, "value")] == ["2,3", "2,7", "0,1"]

    def test_empty_cell_is_white_with_a_dash(self) -> None:
        root = parse(heatmap())
        assert by_class(root, "cell")[1].get("fill") == "#ffffff"
        assert shown(by_class(root, "value")[1]) in ("–", "-")

    def test_higher_means_are_darker(self) -> None:
        root = parse(heatmap())
        fills = [cell.get("fill", "") for cell in by_class(root, "cell")]
        by_mean = [fills[3], fills[4], fills[0], fills[5], fills[2]]  # 0, 1.04, 2.5, 3.25, 4
        lightness = [luminance(fill) for fill in by_mean]
        assert lightness == sorted(lightness, reverse=True)
        assert len(set(lightness)) == 5
        assert lightness[0] > 0.9
        assert lightness[-1] < 0.05

    def test_text_is_white_on_dark_cells_and_black_on_light_ones(self) -> None:
        root = parse(heatmap())
        values = by_class(root, "value")
        counts = by_class(root, "count")
        assert values[2].get("fill") == "#ffffff"  # mean 4 of 4: the darkest
        assert counts[1].get("fill") == "#ffffff"
        assert values[3].get("fill") == "#000000"  # mean 0: the lightest
        assert values[1].get("fill") == "#000000"  # empty cell

    def test_colour_legend_and_caption(self) -> None:
        root = parse(heatmap())
        swatches = by_class(root, "legend-swatch")
        assert len(swatches) == 5
        lightness = [luminance(swatch.get("fill", "")) for swatch in swatches]
        assert lightness == sorted(lightness, reverse=True)
        assert "Niveau moyen" in texts(root)
        assert {"0", "1", "2", "3", "4"} <= set(texts(root))
        caption = " ".join(shown(text) for text in by_class(root, "caption"))
        assert caption.startswith("Niveau moyen du groupe")
        assert "prestataires" in caption
        with translation.override("en"):
            root = parse(heatmap())
        caption = " ".join(shown(text) for text in by_class(root, "caption"))
        assert caption.startswith("Mean level of the group")
        assert "Mean level" in texts(root)

    def test_few_short_column_labels_stand_upright(self) -> None:
        root = parse(heatmap())
        assert all(text.get("transform") is None for text in by_class(root, "column-label"))

    def test_many_columns_are_slanted(self) -> None:
        columns = [f"G{index}" for index in range(10)]
        cells = [[HeatCell(mean=1.0, n=1)] * 10]
        root = parse(heatmap(row_labels=["A"], column_labels=columns, cells=cells))
        labels = by_class(root, "column-label")
        assert len(labels) == 10
        assert all("rotate(-45 " in text.get("transform", "") for text in labels)

    def test_long_column_labels_are_slanted_and_cut(self) -> None:
        cells = [[HeatCell(mean=1.0, n=1), HeatCell(mean=2.0, n=2)]]
        root = parse(heatmap(row_labels=[TRICKY], column_labels=[LONG, "B"], cells=cells))
        labels = by_class(root, "column-label")
        assert all("rotate(-45 " in text.get("transform", "") for text in labels)
        assert shown(labels[0]).endswith("…")
        assert len(shown(labels[0])) == 24
        assert labels[0].find(f"{SVG}title").text == LONG  # type: ignore[union-attr]
        assert shown(by_class(root, "row-label")[0]) == TRICKY

    def test_size_grows_with_rows_and_columns(self) -> None:
        small = parse(heatmap())
        rows = [f"Compétence {index}" for index in range(12)]
        columns = [f"Groupe {index}" for index in range(9)]
        cells = [[HeatCell(mean=2.0, n=4)] * 9 for _ in rows]
        big = parse(heatmap(row_labels=rows, column_labels=columns, cells=cells))
        assert int(big.get("width", "")) > int(small.get("width", "")) + 6 * 60
        assert int(big.get("height", "")) > int(small.get("height", "")) + 10 * 40

    def test_cells_do_not_overlap(self) -> None:
        root = parse(heatmap())
        boxes = [
            (float(c.get("x", "")), float(c.get("y", "")), float(c.get("width", "")))
            for c in by_class(root, "cell")
        ]
        assert len(set(boxes)) == 6
        width = int(root.get("width", ""))
        assert all(x + w <= width for x, _, w in boxes)

    @pytest.mark.parametrize(
        ("rows", "columns", "cells"),
        [([], ["Groupe A"], []), (["Publier"], [], [[]]), ([], [], [])],
    )
    def test_no_rows_or_columns_says_no_data(self, rows, columns, cells) -> None:
        svg = heatmap(row_labels=rows, column_labels=columns, cells=cells)
        root = assert_standalone(svg, "Niveaux par groupe")
        assert [shown(text) for text in by_class(root, "empty")] == ["Aucune donnée"]
        assert by_class(root, "cell") == []
        with translation.override("en"):
            root = parse(heatmap(row_labels=rows, column_labels=columns, cells=cells))
        assert [shown(text) for text in by_class(root, "empty")] == ["No data"]

    def test_cells_must_match_the_labels(self) -> None:
        with pytest.raises(ValueError, match="2 rows of 3 columns"):
            heatmap(cells=[[HeatCell(mean=1.0, n=1)] * 3])
