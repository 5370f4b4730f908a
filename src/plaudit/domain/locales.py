"""The locales a credential may be in: Credly's eleven (its badge `locale` attribute)."""

LOCALES = ("en", "fr", "de", "ko", "ja", "zh-CN", "pt", "es-ES", "es-US", "fr-CA", "pt-BR")
DEFAULT_LOCALE = "en"


def supported(locale: str | None) -> str | None:
    """`locale` as listed (matched without regard to case), else None."""
    if not locale:
        return None
    wanted = locale.strip().replace("_", "-").lower()
    return next((item for item in LOCALES if item.lower() == wanted), None)


def language(locale: str) -> str:
    """The language part: `fr-CA` -> `fr`."""
    return locale.split("-", 1)[0].lower()
