"""Bar charts drawn at build time as inline SVG: no chart library, no request to any host."""

from __future__ import annotations

from html import escape

LEVEL_COLOURS = {"province": "#b71c1c", "city": "#e08a00", "county": "#2e7d32"}
FONT = 'font-size="13" fill="currentColor"'


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


CHART_WIDTH = 400  # user units; the chart is drawn at most a little wider (CSS), so text stays ≥ 10 px on a
TEXT = 13  # phone: 13 × 358 / 400 ≈ 11.6 px in a 390 px screen's column


def text_width(text: str) -> float:
    """About how wide `text` is drawn at the charts' font size, in user units: a full em for a
    Chinese character, a little over half an em for digits and Latin letters."""
    return sum(TEXT if ord(char) >= 0x2E80 else TEXT * 0.6 for char in text)


def _svg(width: int, height: int, title: str, body: list[str], described_by: str = "") -> str:
    """An inline SVG chart; `described_by` names the element (a data table) that holds its figures."""
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    return (f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}"{described}><title>{escape(title)}</title>{"".join(body)}</svg>')


def grouped_bars(title: str, groups: list[tuple[str, str, dict[str, int]]], series: dict[str, str],
                 described_by: str = "") -> str:
    """One horizontal bar per group (axis label, tooltip label, {series: value}), its series stacked
    in their colours (the level colours), the total at its end; readable at a phone's width.

    `series` maps a series id to its Chinese name."""
    label_w = max([64] + [round(text_width(axis_label)) + 10 for axis_label, _, _ in groups])
    value_w, row_h, top = 40, 22, 30
    bar_max = CHART_WIDTH - label_w - value_w
    height = top + row_h * max(1, len(groups)) + 6
    largest = max([sum(values.values()) for _, _, values in groups] + [1])
    body = [_legend(series, 0, 16)]
    for index, (axis_label, tip_label, values) in enumerate(groups):
        y = top + index * row_h
        body.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" {FONT}>{escape(axis_label)}</text>')
        x = float(label_w)
        for key, name in series.items():
            value = values.get(key, 0)
            w = bar_max * value / largest
            body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                        f'fill="{LEVEL_COLOURS.get(key, "#607d8b")}"><title>{escape(f"{tip_label} {name}：{value} 篇")}'
                        f"</title></rect>")
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 15}" {FONT}>{sum(values.values())}</text>')
    return _svg(CHART_WIDTH, height, title, body, described_by)


def _legend(series: dict[str, str], left: int, y: int) -> str:
    parts = []
    for index, (key, name) in enumerate(series.items()):
        x = left + index * 80
        parts.append(f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{LEVEL_COLOURS.get(key, "#607d8b")}"/>'
                     f'<text x="{x + 16}" y="{y}" {FONT}>{escape(name)}</text>')
    return "".join(parts)


def horizontal_bars(title: str, rows: list[tuple[str, str, float]], unit: str = "分", described_by: str = "") -> str:
    """One row per (label, tooltip label, value): the label on its own line, the bar below it with
    the value at its end (long unit names stay whole on a phone); negative values draw no bar."""
    bar_max, row_h, pad = CHART_WIDTH - 50, 40, 4
    height = pad * 2 + row_h * max(1, len(rows))
    top = max([v for _, _, v in rows] + [1])
    body = []
    for index, (label, tip, value) in enumerate(rows):
        y = pad + index * row_h
        w = max(0.0, bar_max * value / top)
        body.append(f'<text x="0" y="{y + 14}" {FONT}>{escape(label)}</text>'
                    f'<rect x="0" y="{y + 19}" width="{w:.1f}" height="14" fill="#b71c1c">'
                    f'<title>{escape(f"{tip}：{number(value)} {unit}")}</title></rect>'
                    f'<text x="{w + 6:.1f}" y="{y + 31}" {FONT}>{escape(number(value))}</text>')
    if not rows:
        body.append(f'<text x="0" y="{pad + 16}" {FONT}>暂无数据</text>')
    return _svg(CHART_WIDTH, height, title, body, described_by)
