"""Bar charts drawn at build time as inline SVG: no chart library, no request to any host."""

from __future__ import annotations

from html import escape

LEVEL_COLOURS = {"province": "#c62828", "city": "#ef8f00", "county": "#2e7d32"}
FONT = 'font-size="12" fill="currentColor"'


def nice_top(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … that is ≥ value: a round axis maximum."""
    magnitude = 1
    while True:
        for leading in (1, 2, 5):
            if leading * magnitude >= value:
                return leading * magnitude
        magnitude *= 10


def ticks(top: int) -> list[int]:
    """Whole-number axis ticks from 0 to a `nice_top` value, at most six of them."""
    if top <= 5:
        return list(range(0, top + 1))
    step = top // 4 if str(top)[0] == "2" else top // 5
    return list(range(0, top + 1, step))


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def grouped_bars(title: str, groups: list[tuple[str, str, dict[str, int]]], series: dict[str, str]) -> str:
    """Vertical bars: one group per (axis label, tooltip label, {series: value}), one colour per series.

    `series` maps a series id to its Chinese name; colours follow the level colours.
    """
    width, height, left, bottom, top_margin = 760, 280, 44, 48, 28
    plot_h = height - bottom - top_margin
    top = nice_top(max([v for _, _, values in groups for v in values.values()] + [1]))
    group_w = (width - left - 10) / max(1, len(groups))
    bar_w = max(2.0, (group_w - 8) / max(1, len(series)))
    body = _y_axis(ticks(top), top, left, width, top_margin, plot_h)
    for index, (axis_label, tip_label, values) in enumerate(groups):
        x0 = left + index * group_w + 4
        for offset, (key, name) in enumerate(series.items()):
            value = values.get(key, 0)
            h = plot_h * value / top
            y = top_margin + plot_h - h
            body.append(f'<rect x="{x0 + offset * bar_w:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                        f'fill="{LEVEL_COLOURS.get(key, "#607d8b")}"><title>{escape(f"{tip_label} {name}：{value} 篇")}</title></rect>')
        body.append(f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{height - bottom + 16}" text-anchor="middle" {FONT}>{escape(axis_label)}</text>')
    body.append(_legend(series, left, height - 12))
    return _svg(width, height, title, body)


def _y_axis(values: list[int], top: int, left: int, width: int, top_margin: int, plot_h: float) -> list[str]:
    lines = []
    for value in values:
        y = top_margin + plot_h - plot_h * value / top
        lines.append(f'<line x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="#9e9e9e" stroke-width="0.5"/>')
        lines.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{value}</text>')
    return lines


def _legend(series: dict[str, str], left: int, y: int) -> str:
    parts = []
    for index, (key, name) in enumerate(series.items()):
        x = left + index * 90
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{LEVEL_COLOURS.get(key, "#607d8b")}"/>'
                     f'<text x="{x + 16}" y="{y}" {FONT}>{escape(name)}</text>')
    return "".join(parts)


def horizontal_bars(title: str, rows: list[tuple[str, str, float]], unit: str = "分") -> str:
    """Horizontal bars, one row per (label, tooltip label, value); negative values draw no bar."""
    label_w, bar_max, row_h, pad = 190, 470, 24, 8
    width, height = label_w + bar_max + 70, pad * 2 + row_h * max(1, len(rows))
    top = max([v for _, _, v in rows] + [1])
    body = []
    for index, (label, tip, value) in enumerate(rows):
        y = pad + index * row_h
        w = max(0.0, bar_max * value / top)
        body.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" {FONT}>{escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="#c62828">'
                    f'<title>{escape(f"{tip}：{number(value)} {unit}")}</title></rect>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" {FONT}>{escape(number(value))}</text>')
    if not rows:
        body.append(f'<text x="{label_w}" y="{pad + 16}" {FONT}>暂无数据</text>')
    return _svg(width, height, title, body)
