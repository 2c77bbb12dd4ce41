"""Server-drawn SVG charts: lines, stacked bars and a heat map.

Plain SVG strings with no script and no external font or stylesheet, so they show without
JavaScript, in the admin and inlined in an e-mail alike. Every chart is drawn from the same
rows its table and CSV show (masthead.analytics.dashboard.Chart).
"""

from __future__ import annotations

from html import escape

PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#3a9ea5", "#8a7d1e", "#555555")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 48
FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="11"'


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _short(value: float) -> str:
    for size, suffix in ((1e7, " cr"), (1e5, " L"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}" if value % 1 else f"{int(value)}"


def _frame(title: str, body: list[str], legend: list[tuple[str, str]], height: int = HEIGHT) -> str:
    items = []
    x = LEFT
    for colour, name in legend:
        items.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{height - 5}" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-label="{escape(title)}" style="max-width:{WIDTH}px">'
            f'<title>{escape(title)}</title><rect width="{WIDTH}" height="{height}" fill="#fff"/>'
            + "".join(body) + "".join(items) + "</svg>")


def _axes(labels: list[str], top_value: float, plot_w: float, plot_h: float) -> list[str]:
    parts = []
    for i in range(5):
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{escape(_short(value))}</text>')
    if labels:
        every = max(1, len(labels) // 8)
        step = plot_w / max(len(labels), 1)
        for i, label in enumerate(labels):
            if i % every == 0:
                x = LEFT + step * (i + 0.5)
                parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 14}" text-anchor="middle" {FONT}>'
                             f'{escape(label)}</text>')
    return parts


def line_chart(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """One line per series over the labels (days, weeks or months)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max((v for values in series.values() for v in values), default=0))
    body = _axes(labels, top_value, plot_w, plot_h)
    step = plot_w / max(len(labels), 1)
    legend = []
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        legend.append((colour, name))
        points = " ".join(f"{LEFT + step * (i + 0.5):.1f},{TOP + plot_h - plot_h * v / top_value:.1f}"
                          for i, v in enumerate(values))
        if len(values) == 1:
            x, y = points.split(",")
            body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
        elif values:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    return _frame(title, body, legend)


def stacked_bars(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Bars per label, stacked by series (the plan mix)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    body = _axes(labels, top_value, plot_w, plot_h)
    step = plot_w / max(len(labels), 1)
    width = max(step * 0.7, 1)
    base = [0.0] * len(labels)
    legend = []
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        legend.append((colour, name))
        for i, v in enumerate(values):
            if v <= 0:
                continue
            h = plot_h * v / top_value
            y = TOP + plot_h - plot_h * base[i] / top_value - h
            body.append(f'<rect x="{LEFT + step * i + (step - width) / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"><title>{escape(labels[i])} {escape(name)}: '
                        f'{escape(_short(v))}</title></rect>')
            base[i] += v
    return _frame(title, body, legend)


def heat_map(title: str, rows: list[str], columns: list[str], values: list[list[float | None]]) -> str:
    """A grid shaded by value in [0, 1] (cohort retention); blank cells are None."""
    cell_w = min(48, (WIDTH - 90) / max(len(columns), 1))
    cell_h = 20
    height = TOP + 18 + cell_h * len(rows) + 8
    body = []
    for j, column in enumerate(columns):
        body.append(f'<text x="{90 + cell_w * (j + 0.5):.1f}" y="{TOP + 10}" text-anchor="middle" {FONT}>'
                    f'{escape(column)}</text>')
    for i, row in enumerate(rows):
        y = TOP + 18 + cell_h * i
        body.append(f'<text x="84" y="{y + 14}" text-anchor="end" {FONT}>{escape(row)}</text>')
        for j, value in enumerate(values[i]):
            if value is None:
                continue
            shade = int(245 - 170 * max(0.0, min(1.0, value)))
            colour = f"rgb({shade},{min(255, shade + 20)},255)"
            ink = "#fff" if value > 0.6 else "#111"
            x = 90 + cell_w * j
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" fill="{colour}"/>'
                        f'<text x="{x + cell_w / 2:.1f}" y="{y + 14}" text-anchor="middle" fill="{ink}" {FONT}>'
                        f'{value * 100:.0f}%</text>')
    return _frame(title, body, [], height=height)
