"""Enums whose members have translated titles (Indico's ``RichIntEnum`` idea).

``label`` rather than Indico's ``title``: ``str.title`` already exists on a string enum."""

import enum


class TitledEnum(enum.StrEnum):
    """A string enum; subclasses define ``_titles()`` returning lazy strings per member."""

    @classmethod
    def _titles(cls) -> dict:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return str(self._titles()[self])
