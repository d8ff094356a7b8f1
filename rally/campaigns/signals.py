"""What the campaigns room announces to the rooms above it while the association edits a
campaign: receivers are connected by those rooms (the app factory imports them)."""

from blinker import Namespace

_signals = Namespace()

#: Checkpoints are about to leave a campaign (none holds a stamp: editing refused that).
#: Sender: the campaign. Keyword argument: ``checkpoints``. Receivers delete what they keep
#: about them (the dashboard's hourly tallies).
checkpoints_removing = _signals.signal("checkpoints-removing")

#: Reward tiers of a draft are about to be removed. Sender: the campaign. Keyword argument:
#: ``tiers``. A receiver whose room holds on to one (a claim, a lottery entered or drawn)
#: raises :func:`rally.campaigns.editing.tier_in_use`; otherwise it lets go of what it
#: keeps (an empty lottery).
tiers_removing = _signals.signal("tiers-removing")
