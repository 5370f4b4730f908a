"""The built-in badge templates: a 600 x 600 emblem on a transparent background."""

import math

from plaudit.render.svgkit import (
    CALADEA,
    LATO,
    SANS,
    SERIF,
    circle,
    document,
    logo,
    n,
    path,
    polygon,
    qr,
    rect,
    star_points,
    text,
)

SIZE = 600.0
C = SIZE / 2


def _ribbon(y: float, height: float, half: float, fill: str, fold: str) -> str:
    """A banner across the badge with folded, notched tails."""
    top, bottom = y, y + height
    tail = 46
    tails = "".join(
        polygon(
            [
                (C + side * (half - 10), top + 12),
                (C + side * (half + tail), top + 12),
                (C + side * (half + tail - 18), (top + bottom) / 2 + 6),
                (C + side * (half + tail), bottom + 12),
                (C + side * (half - 10), bottom + 12),
            ],
            fill=fold,
        )
        for side in (-1, 1)
    )
    folds = "".join(
        polygon(
            [
                (C + side * half, bottom),
                (C + side * (half - 10), bottom + 12),
                (C + side * (half - 10), bottom),
            ],
            fill="#000000",
            fill_opacity=0.35,
        )
        for side in (-1, 1)
    )
    return tails + rect(C - half, top, 2 * half, height, fill=fill) + folds


def _details(y: float, ink: str, muted: str, qr_fill: str, width: float) -> str:
    """QR code, credential id and verification link, stacked from y down."""
    return (
        qr(C - 34, y, 68, fill=qr_fill)
        + text(
            C,
            y + 86,
            "ID {{ credential.reference }}",
            size=12,
            family=SANS,
            weight=600,
            fill=ink,
            fit=width,
        )
        + text(
            C,
            y + 101,
            "{{ credential.url }}",
            size=10,
            family=SANS,
            fill=muted,
            fit=width - 30,
            min_size=6,
        )
    )


def classic_badge(width: float, height: float) -> str:
    del width, height  # badges are drawn on a fixed square canvas
    navy, gold, cream, ink, muted = "#1d3557", "#c19a3f", "#fdfaf3", "#1f2328", "#5f6670"
    body = (
        polygon(star_points(C, C, 292, 276, 60), fill=gold)
        + circle(C, C, 266, fill=navy)
        + circle(C, C, 254, fill="none", stroke=gold, stroke_width=2)
        + circle(C, C, 244, fill=cream)
        + logo(C - 48, 72, 32)
        + text(
            C,
            118,
            "{{ issuer.name }}",
            size=17,
            family=SANS,
            weight=700,
            fill=navy,
            fit=250,
            min_size=9,
        )
        + "".join(polygon(star_points(C + dx, 141, 7, 3, 5), fill=gold) for dx in (-26, 0, 26))
        + text(
            C,
            198,
            "{{ credential.name }}",
            size=36,
            family=CALADEA,
            weight=700,
            fill=navy,
            fit=380,
            lines=2,
            min_size=16,
            valign="middle",
        )
        + text(
            C,
            252,
            "{{ credential.description }}",
            size=13,
            family=SERIF,
            fill=muted,
            fit=370,
            lines=2,
            min_size=11,
        )
        + text(
            C,
            316,
            "{{ recipient.name }}",
            size=24,
            family=SERIF,
            italic=True,
            weight=600,
            fill=ink,
            fit=380,
            lines=2,
            min_size=10,
            valign="bottom",
        )
        + _ribbon(334, 52, 236, navy, "#13263f")
        + text(
            C,
            368,
            "{{ credential.issued_on }}",
            size=19,
            family=LATO,
            weight=700,
            fill="#ffffff",
            fit=400,
            min_size=10,
        )
        + text(
            C,
            412,
            "Valid until {{ credential.expired_on }}",
            size=12,
            family=SANS,
            fill=muted,
            fit=300,
            only_if="credential.expired_on",
        )
        + _details(420, ink, muted, navy, 220)
    )
    return document(SIZE, SIZE, "none", body, bleed=0)


def _shield_path(inset: float) -> str:
    top, left, right = 28 + inset, 52 + inset, SIZE - 52 - inset
    bottom = SIZE - 14 - inset * 1.4
    shoulder = 250
    return (
        f"M{n(C)} {n(top)} "
        f"C{n(C + 110)} {n(top + 44)} {n(right - 60)} {n(top + 40)} {n(right)} {n(top + 24)} "
        f"L{n(right)} {n(shoulder)} "
        f"C{n(right)} {n(shoulder + 190)} {n(C + 120)} {n(bottom - 60)} {n(C)} {n(bottom)} "
        f"C{n(C - 120)} {n(bottom - 60)} {n(left)} {n(shoulder + 190)} {n(left)} {n(shoulder)} "
        f"L{n(left)} {n(top + 24)} "
        f"C{n(left + 60)} {n(top + 40)} {n(C - 110)} {n(top + 44)} {n(C)} {n(top)} Z"
    )


def shield_badge(width: float, height: float) -> str:
    del width, height
    slate, teal, white, pale = "#17324d", "#2a9d8f", "#ffffff", "#d7ece9"
    body = (
        path(_shield_path(0), fill=teal)
        + path(_shield_path(10), fill=slate)
        + path(_shield_path(22), fill="none", stroke=teal, stroke_width=2)
        + logo(C - 48, 62, 32)
        + text(
            C,
            112,
            "{{ issuer.name }}",
            size=16,
            family=LATO,
            weight=700,
            fill=pale,
            fit=330,
            min_size=9,
        )
        + rect(C - 40, 126, 80, 3, fill=teal)
        + text(
            C,
            184,
            "{{ credential.name }}",
            size=34,
            family=LATO,
            weight=900,
            fill=white,
            fit=400,
            lines=2,
            min_size=15,
            valign="middle",
        )
        + text(
            C,
            236,
            "{{ credential.description }}",
            size=13,
            family=SANS,
            fill=pale,
            fit=380,
            lines=2,
            min_size=11,
        )
        + text(C, 292, "Awarded to", size=12, family=LATO, fill=teal)
        + text(
            C,
            320,
            "{{ recipient.name }}",
            size=23,
            family=LATO,
            weight=700,
            fill=white,
            fit=390,
            lines=2,
            min_size=9,
            valign="bottom",
        )
        + text(C, 346, "{{ credential.issued_on }}", size=14, family=LATO, fill=pale, fit=360)
        + text(
            C,
            364,
            "Valid until {{ credential.expired_on }}",
            size=11,
            family=LATO,
            fill=pale,
            fit=300,
            only_if="credential.expired_on",
        )
        + _details(376, white, pale, slate, 200)
    )
    # The QR code needs a light background: the qr rect paints one; the id/link sit on slate.
    return document(SIZE, SIZE, "none", body, bleed=0)


def _hexagon(radius: float) -> list[tuple[float, float]]:
    return [
        (C + radius * math.cos(math.radians(60 * i)), C + radius * math.sin(math.radians(60 * i)))
        for i in range(6)
    ]


def hexagon_badge(width: float, height: float) -> str:
    del width, height
    plum, coral, ink, muted, paper = "#3d2c5c", "#e76f51", "#241f2b", "#675f73", "#ffffff"
    body = (
        polygon(_hexagon(296), fill=coral)
        + polygon(_hexagon(282), fill=plum)
        + polygon(_hexagon(262), fill=paper)
        + polygon(_hexagon(252), fill="none", stroke=plum, stroke_width=1.5)
        + logo(C - 42, 80, 28)
        + text(
            C,
            120,
            "{{ issuer.name }}",
            size=16,
            family=LATO,
            weight=700,
            fill=coral,
            fit=250,
            min_size=9,
        )
        + text(
            C,
            182,
            "{{ credential.name }}",
            size=34,
            family=LATO,
            weight=900,
            fill=plum,
            fit=350,
            lines=2,
            min_size=15,
            valign="middle",
        )
        + text(
            C,
            234,
            "{{ credential.description }}",
            size=13,
            family=SANS,
            fill=muted,
            fit=380,
            lines=2,
            min_size=11,
        )
        + _ribbon(266, 74, 234, plum, "#281c3d")
        + text(
            C,
            298,
            "{{ recipient.name }}",
            size=22,
            family=LATO,
            weight=700,
            fill=paper,
            fit=440,
            lines=2,
            min_size=9,
            valign="bottom",
        )
        + text(C, 326, "{{ credential.issued_on }}", size=14, family=LATO, fill="#f4c7b8", fit=440)
        + text(
            C,
            362,
            "Valid until {{ credential.expired_on }}",
            size=11,
            family=LATO,
            fill=muted,
            fit=300,
            only_if="credential.expired_on",
        )
        + _details(372, ink, muted, plum, 230)
    )
    return document(SIZE, SIZE, "none", body, bleed=0)
