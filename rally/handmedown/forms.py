"""The forms of the hand-me-down board: an offer, a message, the hand-over point."""

from flask import request
from flask_wtf.file import MultipleFileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from rally.forms import Form, SelectField
from rally.i18n import _l, current_language
from rally.images import read_upload
from rally.ugc.text import MAX_POST_CHARS

from .models import ListingCategory, ListingCondition
from .operations import MESSAGE_MAX, TITLE_MAX, ListingInput


class ListingForm(Form):
    title = StringField(
        _l("What are you giving away?"),
        validators=[
            DataRequired(_l("Please say what you are giving away.")),
            Length(max=TITLE_MAX),
        ],
    )
    category = SelectField(_l("Category"), choices=[])
    condition = SelectField(_l("Condition"), choices=[])
    area = SelectField(
        _l("Neighbourhood (never your address)"),
        choices=[],
        coerce=int,
        validators=[DataRequired(_l("Please choose your neighbourhood."))],
    )
    description = TextAreaField(
        _l("Description (size, age, what to know)"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=MAX_POST_CHARS * 2),
        ],
    )
    photos = MultipleFileField(_l("Photos (up to 4)"))
    submit = SubmitField(_l("Offer it"))

    def __init__(self, areas, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = ListingCategory.choices()
        self.condition.choices = ListingCondition.choices()
        self.area.choices = [(area.id, area.tr("name")) for area in areas]

    def chosen_photos(self):
        return [upload for upload in request.files.getlist(self.photos.name) if upload.filename]

    def to_input(self) -> ListingInput:
        """:raise PhotoError: ``photo_too_large`` (413), ``photo_empty``."""
        return ListingInput(
            title=self.title.data or "",
            description=self.description.data or "",
            category=ListingCategory(self.category.data),
            condition=ListingCondition(self.condition.data),
            area_id=self.area.data,
            photos=tuple(read_upload(upload.stream) for upload in self.chosen_photos()),
            language=current_language(),
        )


class MessageForm(Form):
    text = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(_l("Please write a message.")), Length(max=MESSAGE_MAX)],
    )
    submit = SubmitField(_l("Send"))


class StoreForm(Form):
    store = SelectField(_l("Hand-over point"), choices=[], coerce=int)
    submit = SubmitField(_l("Save the hand-over point"))

    def __init__(self, stores, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.store.choices = [(0, _l("No store: we agree by message"))] + [
            (store.id, store.tr("name")) for store in stores
        ]
