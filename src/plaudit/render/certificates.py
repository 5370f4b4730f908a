"""The built-in certificate templates, drawn for any page size (width x height in points)."""

import math

from plaudit.render.svgkit import (
    CALADEA,
    LATO,
    SANS,
    SERIF,
    circle,
    diamond,
    document,
    line,
    logo,
    n,
    path,
    polygon,
    qr,
    rect,
    star_points,
    text,
)

VERIFY = "Verify at {{ credential.url }}"
CREDENTIAL_ID = "Credential ID {{ credential.reference }}"


def _seal(cx: float, cy: float, r: float, gold: str, dark: str) -> str:
    """A gold rosette seal with ribbon tails."""
    tails = "".join(
        polygon(
            [
                (cx + side * r * 0.25, cy + r * 0.4),
                (cx + side * r * 0.75, cy + r * 1.45),
                (cx + side * r * 0.52, cy + r * 1.3),
                (cx + side * r * 0.42, cy + r * 1.58),
                (cx - side * r * 0.08, cy + r * 0.55),
            ],
            fill=dark,
        )
        for side in (-1, 1)
    )
    return (
        tails
        + polygon(star_points(cx, cy, r, r * 0.9, 36), fill=gold)
        + circle(cx, cy, r * 0.8, fill="none", stroke="#fff8e1", stroke_width=r * 0.03)
        + circle(cx, cy, r * 0.7, fill=dark)
        + circle(cx, cy, r * 0.63, fill="none", stroke=gold, stroke_width=r * 0.025)
        + polygon(star_points(cx, cy - r * 0.05, r * 0.32, r * 0.13, 5), fill=gold)
        + "".join(
            polygon(
                star_points(cx + dx * r * 0.38, cy + r * 0.36, r * 0.08, r * 0.035, 5), fill=gold
            )
            for dx in (-1, 0, 1)
        )
    )


def _corner(x: float, y: float, sx: int, sy: int, size: float, color: str) -> str:
    """A corner flourish; sx/sy mirror it into each corner."""

    def p(dx: float, dy: float) -> str:
        return f"{n(x + sx * dx)} {n(y + sy * dy)}"

    s = size
    d = (
        f"M{p(0, s)} L{p(0, 0)} L{p(s, 0)} "
        f"M{p(s * 0.18, s * 0.75)} L{p(s * 0.18, s * 0.18)} L{p(s * 0.75, s * 0.18)} "
        f"M{p(s * 0.18, s * 0.18)} Q{p(s * 0.55, s * 0.3)} {p(s * 0.42, s * 0.42)} "
        f"Q{p(s * 0.3, s * 0.55)} {p(s * 0.18, s * 0.18)}"
    )
    return path(d, fill="none", stroke=color, stroke_width=1.2) + diamond(
        x + sx * s * 0.46, y + sy * s * 0.46, s * 0.06, fill=color
    )


def _footer(
    width: float, height: float, inset: float, color: str, qr_size: float, baseline: float
) -> str:
    """Credential id and verification link bottom left (past the corner ornament, below the
    signature row), QR code bottom right."""
    left = inset + 20
    qr_x = width - inset - qr_size
    fit = min(360, qr_x - left - 40)
    return (
        text(left, baseline - 12, CREDENTIAL_ID, size=9, fill=color, anchor="start", fit=fit)
        + text(left, baseline, VERIFY, size=9, fill=color, anchor="start", fit=fit, min_size=6)
        + qr(qr_x, height - inset - qr_size, qr_size)
    )


def _dates(x: float, y: float, color: str, label: str, fit: float) -> str:
    return (
        text(x, y, "{{ credential.issued_on }}", size=14, family=SERIF, fill=color, fit=fit)
        + line(x - fit / 2, y + 8, x + fit / 2, y + 8, stroke=color, stroke_width=0.6)
        + text(x, y + 21, "Date of issue", size=9, family=SANS, weight=600, fill=label, fit=fit)
        + text(
            x,
            y + 34,
            "Valid until {{ credential.expired_on }}",
            size=9,
            fill=label,
            fit=fit,
            only_if="credential.expired_on",
        )
    )


def _issuer(x: float, y: float, color: str, label: str, fit: float) -> str:
    return (
        text(
            x,
            y,
            "{{ issuer.name }}",
            size=14,
            family=SERIF,
            weight=600,
            fill=color,
            fit=fit,
            lines=2,
            min_size=10,
            valign="bottom",
        )
        + line(x - fit / 2, y + 8, x + fit / 2, y + 8, stroke=color, stroke_width=0.6)
        + text(x, y + 21, "Issued by", size=9, family=SANS, weight=600, fill=label, fit=fit)
    )


def classic_certificate(width: float, height: float) -> str:
    navy, gold, ink, muted = "#1d3557", "#b08d3c", "#23262b", "#5f6670"
    cx = width / 2
    portrait = height > width
    description_lines = 3 if portrait else 2
    name_lines, course_lines, name_min = (4, 3, 12) if portrait else (3, 2, 14)
    inner = width - 140
    body = (
        rect(14, 14, width - 28, height - 28, fill="none", stroke=navy, stroke_width=7)
        + rect(26, 26, width - 52, height - 52, fill="none", stroke=gold, stroke_width=1.6)
        + rect(31, 31, width - 62, height - 62, fill="none", stroke=gold, stroke_width=0.6)
        + _corner(38, 38, 1, 1, 46, gold)
        + _corner(width - 38, 38, -1, 1, 46, gold)
        + _corner(38, height - 38, 1, -1, 40, gold)
        + _corner(width - 38, height - 38, -1, -1, 40, gold)
        + logo(cx - height * 0.09, height * 0.06, height * 0.06)
        + text(
            cx, height * 0.14, "{{ issuer.name }}", size=13, weight=600, fill=gold, fit=inner - 80
        )
        + text(
            cx,
            height * 0.225,
            "Certificate of Achievement",
            size=38,
            family=CALADEA,
            weight=700,
            fill=navy,
            fit=inner,
        )
        + line(cx - 120, height * 0.26, cx - 14, height * 0.26, stroke=gold, stroke_width=1)
        + diamond(cx, height * 0.26, 5, fill=gold)
        + line(cx + 14, height * 0.26, cx + 120, height * 0.26, stroke=gold, stroke_width=1)
        + text(
            cx,
            height * 0.33,
            "This is to certify that",
            size=15,
            family=SERIF,
            italic=True,
            fill=muted,
        )
        + text(
            cx,
            height * 0.42,
            "{{ recipient.name }}",
            size=44,
            family=CALADEA,
            weight=700,
            fill=ink,
            fit=inner - 20,
            lines=name_lines,
            min_size=name_min,
            valign="middle",
        )
        + line(
            cx - min(230, inner / 2),
            height * 0.47,
            cx + min(230, inner / 2),
            height * 0.47,
            stroke=gold,
            stroke_width=1,
        )
        + text(
            cx,
            height * 0.525,
            "has successfully completed",
            size=15,
            family=SERIF,
            italic=True,
            fill=muted,
        )
        + text(
            cx,
            height * 0.595,
            "{{ credential.name }}",
            size=25,
            family=SERIF,
            weight=600,
            fill=navy,
            fit=inner - 60,
            lines=course_lines,
            min_size=14,
            valign="middle",
        )
        + text(
            cx,
            height * (0.665 if not portrait else 0.655),
            "{{ credential.description }}",
            size=11.5,
            fill=muted,
            fit=inner - 160,
            lines=description_lines,
            min_size=10,
        )
    )
    row = height * 0.79
    spread = min(width * 0.25, 205)
    column = min(160, spread - 55)
    body += (
        _dates(cx - spread, row, ink, muted, column)
        + _seal(cx, row - 8, 40 if not portrait else 34, gold, navy)
        + _issuer(cx + spread, row, ink, muted, column)
        + _footer(width, height, 70, muted, 58, height - 50)
    )
    return document(width, height, "#fdfaf3", body)


def modern_certificate(width: float, height: float) -> str:
    navy, teal, ink, muted = "#14213d", "#1b998b", "#1c1f24", "#68707c"
    band = width * 0.075
    description_lines = 3 if height > width else 2
    name_lines, course_lines, name_min = (4, 3, 12) if height > width else (3, 2, 14)
    left = band + 50
    inner = width - left - 60
    accents = (
        polygon([(width, 0), (width - 190, 0), (width, 150)], fill=teal, fill_opacity=0.9)
        + polygon([(width, 0), (width - 110, 0), (width, 230)], fill=navy, fill_opacity=0.85)
        + polygon(
            [(width, height), (width - 150, height), (width, height - 110)],
            fill=teal,
            fill_opacity=0.25,
        )
    )
    body = (
        rect(-24, -24, band + 24, height + 48, fill=navy)
        + rect(band, -24, 6, height + 48, fill=teal)
        + accents
        + logo(left, height * 0.05, height * 0.06)
        + text(
            left,
            height * 0.15,
            "{{ issuer.name }}",
            size=14,
            family=LATO,
            weight=700,
            fill=teal,
            anchor="start",
            fit=inner - 200,
            min_size=9,
        )
        + text(
            left,
            height * 0.27,
            "CERTIFICATE",
            size=46,
            family=LATO,
            weight=900,
            fill=navy,
            anchor="start",
            fit=inner,
        )
        + text(
            left,
            height * 0.325,
            "OF COMPLETION",
            size=17,
            family=LATO,
            weight=400,
            fill=teal,
            anchor="start",
            fit=inner,
        )
        + rect(left, height * 0.37, 56, 4, fill=teal)
        + text(
            left, height * 0.44, "Presented to", size=13, family=LATO, fill=muted, anchor="start"
        )
        + text(
            left,
            height * 0.525,
            "{{ recipient.name }}",
            size=42,
            family=LATO,
            weight=300,
            fill=ink,
            anchor="start",
            fit=inner,
            lines=name_lines,
            min_size=name_min,
            valign="middle",
        )
        + text(
            left,
            height * 0.61,
            "for successfully completing",
            size=13,
            family=LATO,
            fill=muted,
            anchor="start",
        )
        + text(
            left,
            height * 0.665,
            "{{ credential.name }}",
            size=22,
            family=LATO,
            weight=700,
            fill=navy,
            anchor="start",
            fit=inner,
            lines=course_lines,
            min_size=12,
        )
        + text(
            left,
            height * 0.755,
            "{{ credential.description }}",
            size=11.5,
            family=SANS,
            fill=muted,
            anchor="start",
            fit=inner - 40,
            lines=description_lines,
            min_size=10,
        )
    )
    row = height * 0.84
    column = min(200, inner / 2 - 30)
    for index, (value, label) in enumerate(
        (("{{ credential.issued_on }}", "ISSUED ON"), ("{{ issuer.name }}", "ISSUED BY"))
    ):
        x = left + index * (column + 40)
        body += (
            text(
                x,
                row,
                value,
                size=14,
                family=LATO,
                weight=700,
                fill=ink,
                anchor="start",
                fit=column,
                lines=2,
                min_size=10,
                valign="bottom",
            )
            + rect(x, row + 8, column, 1, fill="#c9ced6")
            + text(x, row + 22, label, size=9, family=LATO, weight=700, fill=teal, anchor="start")
        )
    body += text(
        left,
        row + 36,
        "Valid until {{ credential.expired_on }}",
        size=9,
        family=LATO,
        fill=muted,
        anchor="start",
        only_if="credential.expired_on",
    )
    qr_size = 70
    body += qr(width - 60 - qr_size, height - 44 - qr_size, qr_size, fill=navy) + text(
        width - 60 - qr_size / 2,
        height - 30,
        CREDENTIAL_ID,
        size=8,
        family=LATO,
        fill=muted,
        fit=150,
    )
    vertical_verify = (
        f'<text x="0" y="0" font-family="{LATO}" font-size="9" fill="#ffffff" '
        f'fill-opacity="0.8" text-anchor="middle" data-fit-width="{n(height - 80)}" '
        f'transform="translate({n(band / 2 + 3)} {n(height / 2)}) rotate(-90)">'
        f"{VERIFY}</text>"
    )
    return document(width, height, "#ffffff", body + vertical_verify)


def _guilloche(x: float, y: float, w: float, h: float, color: str) -> str:
    """A woven border band: two phase-shifted waves running round a rectangle."""
    out = []
    amp = 5.0
    for phase in (0.0, math.pi):
        points = []
        perimeter = 2 * (w + h)
        steps = int(perimeter / 3)
        for index in range(steps + 1):
            t = index / steps * perimeter
            if t < w:
                px, py, nx, ny = x + t, y, 0, -1
            elif t < w + h:
                px, py, nx, ny = x + w, y + (t - w), 1, 0
            elif t < 2 * w + h:
                px, py, nx, ny = x + w - (t - w - h), y + h, 0, 1
            else:
                px, py, nx, ny = x, y + h - (t - 2 * w - h), -1, 0
            offset = amp * math.sin(t / 9 + phase)
            points.append(f"{n(px + nx * offset)} {n(py + ny * offset)}")
        out.append(path("M" + " L".join(points) + "Z", fill="none", stroke=color, stroke_width=0.7))
    return "".join(out)


def elegant_certificate(width: float, height: float) -> str:
    wine, gold, ink, muted = "#6d1a36", "#a8843a", "#2a2225", "#6b6163"
    cx = width / 2
    inner = width - 150
    description_lines = 3 if height > width else 2
    name_lines, course_lines, name_min = (4, 3, 12) if height > width else (3, 2, 14)
    body = (
        rect(20, 20, width - 40, height - 40, fill="none", stroke=wine, stroke_width=1.2)
        + _guilloche(34, 34, width - 68, height - 68, gold)
        + rect(48, 48, width - 96, height - 96, fill="none", stroke=wine, stroke_width=0.8)
        + logo(62, 62, 34)
        + text(
            cx,
            height * 0.16,
            "Certificate",
            size=50,
            family=CALADEA,
            italic=True,
            fill=wine,
            fit=inner,
        )
        + text(cx, height * 0.215, "of completion", size=15, family=SERIF, weight=600, fill=gold)
        + text(
            cx,
            height * 0.31,
            "proudly presented to",
            size=14,
            family=SERIF,
            italic=True,
            fill=muted,
        )
        + text(
            cx,
            height * 0.405,
            "{{ recipient.name }}",
            size=46,
            family=CALADEA,
            italic=True,
            weight=700,
            fill=ink,
            fit=inner - 20,
            lines=name_lines,
            min_size=name_min,
            valign="middle",
        )
        + path(
            f"M{n(cx - 200)} {n(height * 0.455)} Q{n(cx)} {n(height * 0.475)} "
            f"{n(cx + 200)} {n(height * 0.455)}",
            fill="none",
            stroke=gold,
            stroke_width=1.2,
        )
        + text(
            cx,
            height * 0.525,
            "in recognition of completing",
            size=14,
            family=SERIF,
            italic=True,
            fill=muted,
        )
        + text(
            cx,
            height * 0.59,
            "{{ credential.name }}",
            size=24,
            family=SERIF,
            weight=700,
            fill=wine,
            fit=inner - 60,
            lines=course_lines,
            min_size=13,
            valign="middle",
        )
        + text(
            cx,
            height * 0.655,
            "{{ credential.description }}",
            size=11.5,
            family=SERIF,
            fill=muted,
            fit=inner - 180,
            lines=description_lines,
            min_size=10,
        )
    )
    row = height * 0.775
    spread = min(width * 0.25, 205)
    column = min(160, spread - 55)
    body += (
        _dates(cx - spread, row, ink, muted, column)
        + _seal(cx, row - 10, 36, gold, wine)
        + _issuer(cx + spread, row, ink, muted, column)
        + _footer(width, height, 62, muted, 56, height - 58)
    )
    return document(width, height, "#fffdf8", body)
