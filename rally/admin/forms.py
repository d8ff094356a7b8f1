"""The back office's forms: volunteer staff roles."""

from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from rally.forms import DateField, Form, SelectField, plausible_date
from rally.i18n import _l
from rally.roles.models import BADGE_MAX, RoleKind
from rally.roles.operations import RoleInput

#: The event picker's value for "every event".
ALL_EVENTS = -1


class RoleForm(Form):
    """Grant a role. The view fills the circle and event choices (the rooms that own them
    sit above rally.roles, below this one)."""

    who = StringField(
        _l("Resident (e-mail address or @handle)"),
        validators=[
            DataRequired(_l("Please enter an e-mail address or a handle.")),
            Length(max=254),
        ],
    )
    kind = SelectField(_l("Role"), choices=[])
    circle_id = SelectField(_l("Circle (for a circle moderator)"), coerce=int, choices=[])
    event_id = SelectField(_l("Event (for an event helper)"), coerce=int, choices=[])
    badge = StringField(
        _l("Badge (optional)"),
        description=_l(
            "Shown next to their name. Empty: the role's name, in each reader's language."
        ),
        validators=[Optional(), Length(max=BADGE_MAX)],
    )
    starts_on = DateField(_l("First day"), validators=[DataRequired(), plausible_date])
    ends_on = DateField(
        _l("Last day (the rights end after this day)"), validators=[DataRequired(), plausible_date]
    )
    submit = SubmitField(_l("Grant the role"))

    def __init__(self, circles, events, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = RoleKind.choices()
        self.circle_id.choices = [(0, _l("None")), *circles]
        self.event_id.choices = [(0, _l("None")), (ALL_EVENTS, _l("Every event")), *events]

    def to_input(self) -> RoleInput:
        event = self.event_id.data
        return RoleInput(
            who=self.who.data,
            kind=RoleKind(self.kind.data),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            badge=self.badge.data or "",
            circle_id=self.circle_id.data or None,
            event_id=event if event and event != ALL_EVENTS else None,
            all_events=event == ALL_EVENTS,
        )


class RoleDatesForm(Form):
    starts_on = DateField(_l("First day"), validators=[DataRequired(), plausible_date])
    ends_on = DateField(
        _l("Last day (the rights end after this day)"), validators=[DataRequired(), plausible_date]
    )
    submit = SubmitField(_l("Save the dates"))
