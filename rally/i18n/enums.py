"""Enums whose members have translated titles (Indico's ``RichIntEnum`` idea).

``label`` rather than Indico's ``title``: ``str.title`` already exists on a string enum."""

import enum

# Lazy strings, built once per enum class; each translates when it is turned into text.
_TITLES: dict[type, dict] = {}


class TitledEnum(enum.StrEnum):
    """A string enum; subclasses define ``_titles()`` returning lazy strings per member."""

    @classmethod
    def _titles(cls) -> dict:
        raise NotImplementedError

    @property
    def label(self) -> str:
        cls = type(self)
        titles = _TITLES.get(cls)
        if titles is None:
            titles = _TITLES[cls] = cls._titles()
        return str(titles[self])
