"""Enums whose members have translated titles (Indico's ``RichIntEnum`` idea).

``label`` rather than Indico's ``title``: ``str.title`` already exists on a string enum."""

import enum

from .content import translated_once

# Lazy strings, built once per enum class; each translates when it is turned into text.
_TITLES: dict[type, dict] = {}


class TitledEnum(enum.StrEnum):
    """A string enum; subclasses define ``_titles()`` returning lazy strings per member."""

    @classmethod
    def _titles(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, translated label)`` of every member, for a form's select or radios."""
        return [(member.value, member.label) for member in cls]

    @property
    def label(self) -> str:
        # Pages show a label per row: translated once per request and language.
        return translated_once((type(self), self._name_), self._translate_label)

    def _translate_label(self) -> str:
        cls = type(self)
        titles = _TITLES.get(cls)
        if titles is None:
            titles = _TITLES[cls] = cls._titles()
        return str(titles[self])
