"""What the roles room adds when the rooms below it announce something."""

from rally.residents.signals import profile_shown

from .operations import badges


@profile_shown.connect
def _badges_on_profile(resident) -> dict:
    """A resident's profile shows their volunteer staff badges while their roles are active."""
    return {"role_badges": badges([resident.visitor_id]).get(resident.visitor_id, [])}
