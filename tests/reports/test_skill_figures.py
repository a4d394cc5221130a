"""Each figure of the skills report is written in SQL and in Python (reports.skill_figures):
both forms give the same value for every combination of levels, missing ones included."""

from itertools import product

import pytest
from django.db import connection

from reports.skill_figures import COUNTED, FIGURES, at_level, counted

LEVELS = (None, 0, 1, 2, 3)


@pytest.mark.django_db
def test_the_sql_and_the_python_of_each_figure_agree() -> None:
    figures = [*FIGURES, *(at_level(value) for value in (0, 2, 3))]
    columns = {"level": "x.s", "evidenced": "x.e", "target": "x.t"}
    selected = ", ".join(figure.sql_over(**columns) for figure in figures)
    rows = " UNION ALL ".join(
        "SELECT CAST(%s AS INTEGER) AS s, CAST(%s AS INTEGER) AS e, CAST(%s AS INTEGER) AS t"
        for _ in product(LEVELS, repeat=3)
    )
    params = [value for combination in product(LEVELS, repeat=3) for value in combination]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x.s, x.e, x.t, {COUNTED.format(**columns)}, {selected} FROM ({rows}) x",
            params,
        )
        read = cursor.fetchall()
    assert len(read) == len(LEVELS) ** 3
    for s, e, t, is_counted, *values in read:
        assert bool(is_counted) == counted(s, e), (s, e, t)
        assert values == [figure.value(s, e, t) for figure in figures], (s, e, t)
