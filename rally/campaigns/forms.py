"""The association's campaign form: bilingual texts, local dates, stores and reward tiers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SubmitField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from rally.campaigns.editing import MAX_RECHECK_HOURS, UNKNOWN_STOCK, CampaignInput, TierInput
from rally.forms import (
    DateTimeLocalField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TranslatedField,
    plausible_date,
)
from rally.i18n import _l

from .models import CampaignKind, QrMode, Recheck, TierBasis

TIER_ROWS = 5
MAX_THRESHOLD = 10_000
MAX_STOCK = 1_000_000
UTC = ZoneInfo("UTC")


def district_to_utc(local: datetime, timezone: str) -> datetime:
    """A wall-clock time entered in the district's zone, as the naive UTC we store."""
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC).replace(tzinfo=None)


def utc_to_district(moment: datetime, timezone: str) -> datetime:
    """A stored naive UTC time as the district's naive wall-clock time, for a form field."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def encode_stock(stock: int | None) -> str:
    """A tier's stock in the form's hidden field: its number, or "none" for unlimited."""
    return "none" if stock is None else str(stock)


def decode_stock(value: str | None):
    """The stock a form showed: a number, ``None`` (unlimited) or :data:`UNKNOWN_STOCK`."""
    if value == "none":
        return None
    if value and value.isdigit() and len(value) <= 9:
        return int(value)
    return UNKNOWN_STOCK


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes, one per choice: easier than a multi-select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TierForm(Form):
    """One reward tier row; a row left blank is no tier."""

    class Meta:
        csrf = False  # a row of the campaign form, whose token covers it

    tier_id = HiddenField()
    # The stock the form showed ("none": unlimited): saved only if the admin changed it, and
    # only if no claim or void changed it meanwhile (the stock is what is left).
    stock_seen = HiddenField()
    basis = SelectField(
        _l("Reached by"),
        choices=TierBasis.choices,
        default=TierBasis.stamps.value,
    )
    threshold = IntegerField(
        _l("Number required"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_THRESHOLD,
                message=_l("Please enter a number from 1 to 10,000."),
            ),
        ],
    )
    repeats = BooleanField(_l("Repeats: reached again at every multiple of this number"))
    name = TranslatedField(_l("Reward"), max_length=200)
    stock = IntegerField(
        _l("Stock (empty: unlimited)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_STOCK,
                message=_l("Please enter a stock from 0 to 1,000,000."),
            ),
        ],
    )

    def is_blank(self) -> bool:
        """Blank rows are ignored; blanking an existing tier's row removes that tier."""
        return self.threshold.data is None and not self.name.data and self.stock.data is None

    @property
    def counts_every_area(self) -> bool:
        return self.basis.data == TierBasis.all_areas.value

    def validate(self, extra_validators=None) -> bool:
        # Checked here: an empty number stops the field's own validators (``Optional``).
        valid = super().validate(extra_validators)
        field = self.threshold
        if field.data is None and not field.errors and not self.is_blank():
            if not self.counts_every_area:
                field.errors.append(_l("How many does this reward need?"))
                valid = False
        return valid

    def validate_name(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError(_l("Name the reward in at least one language."))


class CampaignForm(Form):
    title = TranslatedField(
        _l("Title"),
        max_length=200,
        required=True,
        required_message=_l("Give the campaign a title in at least one language."),
    )
    rules = TranslatedField(_l("Rules"), max_length=5000, textarea=True)
    starts_at = DateTimeLocalField(
        _l("Starts (district time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(_l("Please enter a start date and time.")), plausible_date],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (district time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(_l("Please enter an end date and time.")), plausible_date],
    )
    claims_until = DateTimeLocalField(
        _l("Rewards exchanged until (district time, empty: no deadline)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional(), plausible_date],
    )
    qr_mode = RadioField(_l("How shops show their QR code"), default=QrMode.static.value)
    geofence_m = IntegerField(
        _l("Geofence in metres (empty: none)"),
        description=_l(
            "With a geofence, the phone's location is asked once per stamp and a stamp "
            "further than this from the shop is refused. Visitors who decline still get the "
            "stamp, flagged for review."
        ),
        validators=[
            Optional(),
            NumberRange(min=20, max=5000, message=_l("Please enter 20 to 5,000 metres.")),
        ],
    )
    kind = SelectField(
        _l("How visitors earn stamps"),
        choices=CampaignKind.choices,
        default=CampaignKind.visit.value,
    )
    yen_per_stamp = IntegerField(
        _l("Yen per stamp (purchase campaigns)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=1_000_000, message=_l("Please enter 1 to 1,000,000 yen.")),
        ],
    )
    max_stamps_per_purchase = IntegerField(
        _l("Most stamps for one purchase (purchase campaigns)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message=_l("Please enter 1 to 100 stamps.")),
        ],
    )
    recheck = SelectField(
        _l("Collecting the same place again"),
        choices=Recheck.choices,
        default=Recheck.once.value,
    )
    recheck_hours = IntegerField(
        _l("Hours before the same place stamps again"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_RECHECK_HOURS,
                message=_l("Please enter 1 to %(num)d hours.", num=MAX_RECHECK_HOURS),
            ),
        ],
    )
    stamps_per_area = IntegerField(
        _l("Stamps that complete an area"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=999, message=_l("Please enter 1 to 999 stamps.")),
        ],
    )
    stores = MultiCheckboxField(
        _l("Participating stores"),
        coerce=int,
        validate_choice=True,
        invalid_choice_message=_l("Please choose among the stores listed."),
    )
    spots = MultiCheckboxField(
        _l("Participating tourist spots"),
        coerce=int,
        validate_choice=True,
        invalid_choice_message=_l("Please choose among the tourist spots listed."),
    )
    tiers = FieldList(FormField(TierForm), min_entries=TIER_ROWS, max_entries=TIER_ROWS)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.qr_mode.choices = QrMode.choices()

    @property
    def is_purchase(self) -> bool:
        return self.kind.data == CampaignKind.purchase.value

    def validate(self, extra_validators=None) -> bool:
        # Fields required by another field's choice are checked here: an empty number stops
        # the field's own validators (``Optional``).
        valid = super().validate(extra_validators)
        required = []
        if self.is_purchase:
            required += [
                (self.yen_per_stamp, _l("A purchase campaign needs the yen per stamp.")),
                (
                    self.max_stamps_per_purchase,
                    _l("A purchase campaign needs the most stamps per purchase."),
                ),
            ]
        if self.recheck.data == Recheck.hours.value:
            required.append(
                (self.recheck_hours, _l("How many hours before the same place stamps again?"))
            )
        for field, message in required:
            if field.data is None and not field.errors:
                field.errors.append(message)
                valid = False
        return valid

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The campaign must end after it starts."))

    def validate_claims_until(self, field) -> None:
        if field.data and self.ends_at.data and field.data < self.ends_at.data:
            raise ValidationError(
                _l("Rewards can be exchanged only until the campaign's end or later.")
            )

    def fill_from(self, campaign, timezone: str) -> None:
        """Show a stored campaign: UTC times as district wall-clock times."""
        self.title.data = dict(campaign.title)
        self.rules.data = dict(campaign.rules)
        self.starts_at.data = utc_to_district(campaign.starts_at, timezone)
        self.ends_at.data = utc_to_district(campaign.ends_at, timezone)
        if campaign.claims_until is not None:
            self.claims_until.data = utc_to_district(campaign.claims_until, timezone)
        self.qr_mode.data = campaign.qr_mode.value
        self.geofence_m.data = campaign.geofence_m
        self.kind.data = campaign.kind.value
        self.yen_per_stamp.data = campaign.yen_per_stamp
        self.max_stamps_per_purchase.data = campaign.max_stamps_per_purchase
        self.recheck.data = campaign.recheck.value
        self.recheck_hours.data = campaign.recheck_hours
        self.stamps_per_area.data = campaign.stamps_per_area
        self.stores.data = [cp.store_id for cp in campaign.checkpoints if cp.store_id is not None]
        self.spots.data = [cp.spot_id for cp in campaign.checkpoints if cp.spot_id is not None]
        for row, tier in zip(self.tiers, campaign.tiers, strict=False):
            row.tier_id.data = str(tier.id)
            row.basis.data = tier.basis.value
            row.threshold.data = None if tier.basis is TierBasis.all_areas else tier.threshold
            row.repeats.data = tier.repeats
            row.form.name.data = dict(tier.name)
            row.stock.data = tier.stock
            row.stock_seen.data = encode_stock(tier.stock)

    def refresh_stock(self, campaign) -> None:
        """Before the form is shown again: a stock the admin left alone shows what is left
        now, and every row remembers that as seen (an edit refused for a stock that changed
        meanwhile is then saved by sending it again)."""
        tiers = {str(tier.id): tier for tier in campaign.tiers}
        for row in self.tiers:
            tier = tiers.get(row.tier_id.data or "")
            if tier is None:
                continue
            seen = decode_stock(row.stock_seen.data)
            if seen is not UNKNOWN_STOCK and row.stock.data == seen and not row.stock.errors:
                row.stock.data = tier.stock
                row.stock.raw_data = []  # the field shows its raw input before its data
            row.stock_seen.data = encode_stock(tier.stock)

    def to_input(self, timezone: str) -> CampaignInput:
        """The validated values for :mod:`rally.campaigns.operations`, times in naive UTC."""
        tiers = [
            TierInput(
                id=int(row.tier_id.data) if (row.tier_id.data or "").isdigit() else None,
                threshold=row.threshold.data,
                name=row.form.name.data,
                stock=row.stock.data,
                stock_seen=decode_stock(row.stock_seen.data),
                basis=TierBasis(row.basis.data),
                repeats=bool(row.repeats.data),
            )
            for row in self.tiers
            if not row.is_blank()
        ]
        purchase = self.is_purchase
        return CampaignInput(
            title=self.title.data,
            rules=self.rules.data,
            starts_at=district_to_utc(self.starts_at.data, timezone),
            ends_at=district_to_utc(self.ends_at.data, timezone),
            store_ids=list(self.stores.data or []),
            tiers=tiers,
            qr_mode=QrMode(self.qr_mode.data),
            geofence_m=self.geofence_m.data,
            spot_ids=list(self.spots.data or []),
            kind=CampaignKind(self.kind.data),
            yen_per_stamp=self.yen_per_stamp.data if purchase else None,
            max_stamps_per_purchase=self.max_stamps_per_purchase.data if purchase else None,
            recheck=Recheck(self.recheck.data),
            recheck_hours=self.recheck_hours.data,
            stamps_per_area=self.stamps_per_area.data or 1,
            claims_until=(
                district_to_utc(self.claims_until.data, timezone)
                if self.claims_until.data
                else None
            ),
        )
