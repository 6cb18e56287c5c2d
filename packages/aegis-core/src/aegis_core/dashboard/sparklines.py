"""Sparklines of the app's recent `History`: a sentence over a small line."""

from __future__ import annotations

import flet as ft
import flet.canvas as cv

from aegis_core.dashboard.history import History, Series, describe

SPARK_WIDTH = 180
SPARK_HEIGHT = 36


def sparkline(series: Series, color: str = "#1565C0") -> ft.Control:
    """A small line of the series over the window, with the sentence above it."""
    values = series.values
    top = max(values) or 1.0
    if len(values) == 1:
        values = values * 2  # one sample: a flat line across
    step = SPARK_WIDTH / (len(values) - 1)
    flat = min(values) == max(values)  # drawn across the middle, not along the border
    points = [
        (i * step, SPARK_HEIGHT / 2 if flat else SPARK_HEIGHT - 3 - (v / top) * (SPARK_HEIGHT - 6))
        for i, v in enumerate(values)
    ]
    elements: list[cv.Path.PathElement] = [cv.Path.MoveTo(*points[0])]
    elements += [cv.Path.LineTo(x, y) for x, y in points[1:]]
    line = cv.Path(
        elements, paint=ft.Paint(color=color, stroke_width=2, style=ft.PaintingStyle.STROKE)
    )
    return ft.Column(
        [
            ft.Text(describe(series), size=12),
            ft.Container(
                cv.Canvas([line], width=SPARK_WIDTH, height=SPARK_HEIGHT),
                width=SPARK_WIDTH,
                height=SPARK_HEIGHT,
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                border_radius=4,
            ),
        ],
        spacing=4,
    )


def sparkline_row(history: History) -> list[ft.Control]:
    return [sparkline(s) for s in history.series()]
