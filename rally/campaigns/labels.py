"""How a reward tier's requirement and the way to it read on cards and landing pages."""

from flask_babel import format_currency, ngettext
from flask_babel import gettext as _

from rally.campaigns.progress import TierProgress

from .models import Campaign, Recheck, RewardTier, TierBasis


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


def campaign_rules(campaign: Campaign) -> list[str]:
    """The campaign's configured rules in words, beside the association's own rules text."""
    lines = []
    if campaign.is_purchase and campaign.yen_per_stamp:
        lines.append(
            ngettext(
                "One stamp for every %(amount)s spent, at most %(num)d stamp per purchase.",
                "One stamp for every %(amount)s spent, at most %(num)d stamps per purchase.",
                campaign.max_stamps_per_purchase or 1,
                amount=format_currency(campaign.yen_per_stamp, "JPY"),
            )
        )
    elif campaign.recheck is Recheck.daily:
        lines.append(_("You can collect each place's stamp once a day."))
    elif campaign.recheck is Recheck.hours and campaign.recheck_hours:
        lines.append(
            ngettext(
                "You can collect each place's stamp again %(num)d hour after the last one.",
                "You can collect each place's stamp again %(num)d hours after the last one.",
                campaign.recheck_hours,
            )
        )
    if any(tier.basis in (TierBasis.areas, TierBasis.all_areas) for tier in campaign.tiers):
        lines.append(
            ngettext(
                "An area counts as completed with %(num)d stamp in it.",
                "An area counts as completed with %(num)d stamps in it.",
                campaign.stamps_per_area or 1,
            )
        )
    return lines
