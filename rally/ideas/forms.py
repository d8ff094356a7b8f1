"""The forms of ideas: proposing, commenting, and the association's state, answer, result
and category forms."""

from flask import request
from flask_wtf.file import MultipleFileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from rally.areas.models import Area
from rally.forms import DateField, Form, IntegerField, SelectField, TranslatedField
from rally.i18n import _l, current_language
from rally.i18n.content import pick
from rally.images import read_upload
from rally.ugc.text import MAX_POST_CHARS

from .models import IdeaCategory, IdeaState
from .operations import TITLE_MAX, CategoryInput, IdeaInput, UpdateInput

_TEXT_BOUND = MAX_POST_CHARS * 2


def _optional_id(value):
    return int(value) if value not in (None, "", "0") else None


class IdeaForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Please give your idea a title.")), Length(max=TITLE_MAX)],
    )
    body = TextAreaField(
        _l("Your idea"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=_TEXT_BOUND),
        ],
    )
    area_id = SelectField(_l("Area"), coerce=_optional_id, choices=[], validate_choice=False)
    category_id = SelectField(
        _l("Category"), coerce=_optional_id, choices=[], validate_choice=False
    )
    photos = MultipleFileField(_l("Photos (up to 4)"))
    submit = SubmitField(_l("Propose the idea"))

    ERROR_FIELDS = {
        "title_empty": "title",
        "title_too_long": "title",
        "unknown_area": "area_id",
        "unknown_category": "category_id",
        "post_empty": "body",
        "post_too_long": "body",
    }

    def __init__(self, areas: list[Area], categories: list[IdeaCategory], **kwargs):
        super().__init__(**kwargs)
        self.area_id.choices = [("", _l("No particular area"))] + [
            (str(area.id), pick(area.name)) for area in areas
        ]
        self.category_id.choices = [("", _l("No category"))] + [
            (str(category.id), pick(category.name)) for category in categories
        ]

    def chosen_photos(self):
        return [upload for upload in request.files.getlist(self.photos.name) if upload.filename]

    def to_input(self) -> IdeaInput:
        """:raise PhotoError: ``photo_too_large`` (413), ``photo_empty``."""
        return IdeaInput(
            title=self.title.data or "",
            body=self.body.data or "",
            area_id=self.area_id.data,
            category_id=self.category_id.data,
            photos=tuple(read_upload(upload.stream) for upload in self.chosen_photos()),
            language=current_language(),
        )

    def show_error(self, error) -> None:
        name = self.ERROR_FIELDS.get(error.code)
        if name is None:
            name = "photos" if "photo" in error.code else "body"
        self[name].errors = [*self[name].errors, error.message]


class CommentForm(Form):
    text = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=_TEXT_BOUND),
        ],
    )
    submit = SubmitField(_l("Comment"))


class StateForm(Form):
    """The next state; accepting or not adopting brings the answer in the same form
    (``text``, published with the decision; its Save button keeps it as a draft)."""

    to = SelectField(_l("New state"), choices=[])
    text = TextAreaField(
        _l("The association's answer, published with the decision"),
        validators=[Length(max=_TEXT_BOUND)],
    )
    submit = SubmitField(_l("Change the state"))
    save = SubmitField(_l("Save the draft"))

    def __init__(self, targets: list[IdeaState], **kwargs):
        super().__init__(**kwargs)
        self.to.choices = [(state.value, state.label) for state in targets]


class AnswerForm(Form):
    text = TextAreaField(_l("The association's answer"), validators=[Length(max=_TEXT_BOUND)])
    save = SubmitField(_l("Save the draft"))
    publish = SubmitField(_l("Publish the answer"))


class UpdateForm(Form):
    happened_on = DateField(_l("Date"), validators=[InputRequired(_l("Please enter a date."))])
    text = TranslatedField(_l("What happened"), max_length=2000, textarea=True, required=True)
    progress = IntegerField(
        _l("Progress (%)"),
        validators=[InputRequired(_l("Please enter a number.")), NumberRange(0, 100)],
    )
    news_id = SelectField(_l("Linked news"), coerce=_optional_id, choices=[], validate_choice=False)
    event_id = SelectField(
        _l("Linked event"), coerce=_optional_id, choices=[], validate_choice=False
    )
    campaign_id = SelectField(
        _l("Linked campaign"), coerce=_optional_id, choices=[], validate_choice=False
    )
    submit = SubmitField(_l("Add the update"))

    def __init__(self, news, events, campaigns, **kwargs):
        super().__init__(**kwargs)
        none = [("", _l("None"))]
        self.news_id.choices = none + [(str(n.id), pick(n.title)) for n in news]
        self.event_id.choices = none + [(str(e.id), pick(e.title)) for e in events]
        self.campaign_id.choices = none + [(str(c.id), pick(c.title)) for c in campaigns]

    def to_input(self) -> UpdateInput:
        return UpdateInput(
            happened_on=self.happened_on.data,
            text=self.text.data,
            progress=self.progress.data,
            news_id=self.news_id.data,
            event_id=self.event_id.data,
            campaign_id=self.campaign_id.data,
        )


class CategoryForm(Form):
    name = TranslatedField(_l("Name"), max_length=100, required=True)
    position = IntegerField(_l("Position in lists"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def to_input(self) -> CategoryInput:
        return CategoryInput(name=self.name.data, position=self.position.data or 0)
