"""How a reward tier's requirement and the way to it read on cards and landing pages."""

from flask_babel import gettext as _
from flask_babel import ngettext

from .models import RewardTier, TierBasis
from .progress import TierProgress


def tier_requirement(tier: RewardTier) -> str:
    """``3 stamps``, ``Every 7 points``, ``Every area completed``, ..."""
    num = tier.threshold
    if tier.basis is TierBasis.all_areas:
        return _("Every area completed")
    if tier.repeats:
        if tier.basis is TierBasis.points:
            return ngettext("Every %(num)d point", "Every %(num)d points", num)
        if tier.basis is TierBasis.areas:
            return ngettext("Every %(num)d area completed", "Every %(num)d areas completed", num)
        return ngettext("Every %(num)d stamp", "Every %(num)d stamps", num)
    if tier.basis is TierBasis.points:
        return ngettext("%(num)d point", "%(num)d points", num)
    if tier.basis is TierBasis.areas:
        return ngettext("%(num)d area completed", "%(num)d areas completed", num)
    return ngettext("%(num)d stamp", "%(num)d stamps", num)


def tier_to_go(row: TierProgress) -> str:
    """What the next time this tier is reached still needs."""
    num = row.to_go
    if row.tier.basis is TierBasis.points:
        return ngettext("%(num)d more point to go", "%(num)d more points to go", num)
    if row.tier.basis in (TierBasis.areas, TierBasis.all_areas):
        return ngettext("%(num)d more area to complete", "%(num)d more areas to complete", num)
    return ngettext("%(num)d more stamp to go", "%(num)d more stamps to go", num)
