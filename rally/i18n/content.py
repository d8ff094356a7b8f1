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
        # The same rule as pick(), without building a dict: pages call this per row.
        lang = lang or current_language()
        value = getattr(self, f"{field}_{lang}", None)
        if value and value.strip():
            return value
        other = getattr(self, f"{field}_{'en' if lang == 'ja' else 'ja'}", None)
        return other if other and other.strip() else ""

    def tr_lines(self, field: str, lang: str | None = None) -> list[str]:
        """The non-empty lines of a bilingual text field (choices of a quiz or question)."""
        return [line.strip() for line in self.tr(field, lang).splitlines() if line.strip()]
