"""Server-rendered SVG charts of the dashboard: horizontal bars, bars by month and the map of
departments (each drawn at the mean position of its communes). Each chart is an `img` with a title
and a description; the dashboard shows the same figures as tables beside it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import count
from typing import Any

from markupsafe import Markup, escape

INK, ACCENT, GAP, COVERED, EMPTY = "#1f2d2a", "#1d6b52", "#b3261e", "#1d6b52", "#c7cfcc"
_ids = count(1)


def _frame(title: str, description: str, width: int, height: int, body: list[str]) -> Markup:
    n = next(_ids)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" class="chart">'
        f'<title id="chart-{n}-t">{escape(title)}</title><desc id="chart-{n}-d">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


def hbars(title: str, rows: Sequence[tuple[str, int]], unit: str = "") -> Markup:
    """One bar per row, longest = the largest value."""
    top = max([v for _, v in rows] + [1])
    width, label_w, bar_h = 640, 220, 26
    body = []
    for i, (label, value) in enumerate(rows):
        y = 10 + i * bar_h
        length = round((width - label_w - 80) * value / top)
        body.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="{INK}" font-size="14">'
                    f'{escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{length}" height="{bar_h - 8}" fill="{ACCENT}"/>'
                    f'<text x="{label_w + length + 6}" y="{y + 17}" fill="{INK}" font-size="14">'
                    f'{value}{escape(unit)}</text>')
    text = ", ".join(f"{label} : {value}{unit}" for label, value in rows)
    return _frame(title, text or "aucune donnée", width, 20 + bar_h * max(len(rows), 1), body)


def columns(title: str, rows: Sequence[tuple[str, float]], unit: str = "") -> Markup:
    """One column per row (months, left to right)."""
    top = max([v for _, v in rows] + [1])
    width, height, base = 640, 260, 220
    step = (width - 40) / max(len(rows), 1)
    body = [f'<line x1="20" y1="{base}" x2="{width - 20}" y2="{base}" stroke="{INK}"/>']
    for i, (label, value) in enumerate(rows):
        x = 20 + i * step
        h = round((base - 30) * value / top)
        body.append(f'<rect x="{x + step * 0.15:.1f}" y="{base - h}" width="{step * 0.7:.1f}" height="{h}" '
                    f'fill="{ACCENT}"/><text x="{x + step / 2:.1f}" y="{base + 18}" text-anchor="middle" '
                    f'fill="{INK}" font-size="12">{escape(label)}</text>'
                    f'<text x="{x + step / 2:.1f}" y="{base - h - 6}" text-anchor="middle" fill="{INK}" '
                    f'font-size="12">{value:g}{escape(unit)}</text>')
    text = ", ".join(f"{label} : {value:g}{unit}" for label, value in rows)
    return _frame(title, text or "aucune donnée", width, height, body)


def department_map(title: str, departments: dict[str, dict[str, Any]], cell: str = "") -> Markup:
    """Metropolitan departments where their communes lie (overseas ones in a row below): red, sized by
    the number of initiatives without a support provider; green when every one has one; grey with none.
    `cell` picks one maturity's figures (`by_maturity`), else the totals."""
    width, height = 600, 640
    west, east, south, north = -5.2, 9.6, 41.3, 51.1
    scale_x = (width - 40) / ((east - west) * math.cos(math.radians(46.5)))
    scale_y = (height - 120) / (north - south)
    body, described, overseas = [], [], 0
    for code, entry in departments.items():
        figures = entry["by_maturity"].get(cell, {"initiatives": 0, "uncovered": 0}) if cell else entry
        lat, lon = entry["lat"], entry["lon"]
        if south <= lat <= north and west <= lon <= east:
            x = 20 + (lon - west) * math.cos(math.radians(46.5)) * scale_x
            y = 10 + (north - lat) * scale_y
        else:
            x, y = 40 + overseas * 60, height - 40
            overseas += 1
        colour = GAP if figures["uncovered"] else COVERED if figures["initiatives"] else EMPTY
        radius = 6 + 4 * math.sqrt(figures["uncovered"])
        label = f"{entry['name']} ({code}) : {figures['uncovered']} sans accompagnement sur {figures['initiatives']}"
        body.append(f'<g><title>{escape(label)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
                    f'fill="{colour}" fill-opacity="0.8" stroke="#fff"/></g>')
        if figures["initiatives"]:
            described.append(label)
    return _frame(title, "; ".join(described) or "aucune initiative publiée", width, height, body)
