"""Bilingual content: pick the visitor's language, fall back to the other one."""

from flask_babel import get_locale

LANGUAGES = ("ja", "en")


def current_language() -> str:
    locale = get_locale()
    lang = locale.language if locale is not None else "ja"
    return lang if lang in LANGUAGES else "ja"


def pick(values: dict[str, str | None], lang: str | None = None) -> str:
    """Return the value for ``lang`` (default: the active locale), else the other language.

    :param values: ``{"ja": ..., "en": ...}``; empty or blank strings count as missing.
    :param lang: force a language instead of the active locale.
    """
    lang = lang or current_language()
    order = [lang] + [other for other in LANGUAGES if other != lang]
    for code in order:
        value = values.get(code)
        if value and value.strip():
            return value
    return ""


class Bilingual:
    """Mixin for models with ``<field>_ja`` / ``<field>_en`` columns."""

    def tr(self, field: str, lang: str | None = None) -> str:
        return pick({code: getattr(self, f"{field}_{code}", None) for code in LANGUAGES}, lang)
