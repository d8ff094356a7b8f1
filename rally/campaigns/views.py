"""What every page may print about a campaign: its rules and what a reward asks for."""

from flask import (
    Blueprint,
)

from .labels import campaign_rules, tier_requirement, tier_to_go

bp = Blueprint("campaigns", __name__, template_folder="templates")
bp.add_app_template_global(tier_requirement)
bp.add_app_template_global(tier_to_go)
bp.add_app_template_global(campaign_rules)
