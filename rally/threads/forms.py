"""The forms of threads: a new thread or a reply (text, photos, the child-photo
confirmation), and an edit."""

from flask import request
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from rally.forms import Form
from rally.i18n import _l, current_language
from rally.images import read_upload
from rally.ugc.text import MAX_POST_CHARS

from .operations import PostInput

# The operation decides the length (after stripping); the form only stops a runaway paste.
_TEXT_BOUND = MAX_POST_CHARS * 2


class PostForm(Form):
    text = TextAreaField(
        _l("Your post"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=_TEXT_BOUND),
        ],
    )
    photos = MultipleFileField(_l("Photos (up to 4)"))
    photos_confirmed = BooleanField(
        _l("I confirm that no child's face or name can be identified in these photos.")
    )
    submit = SubmitField(_l("Post"))

    def chosen_photos(self):
        return [upload for upload in request.files.getlist(self.photos.name) if upload.filename]

    def to_input(self) -> PostInput:
        """:raise PhotoError: ``photo_too_large`` (413), ``photo_empty``."""
        return PostInput(
            text=self.text.data or "",
            photos=tuple(read_upload(upload.stream) for upload in self.chosen_photos()),
            photos_confirmed=bool(self.photos_confirmed.data),
            language=current_language(),
        )


class ReplyForm(PostForm):
    text = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=_TEXT_BOUND),
        ],
    )
    submit = SubmitField(_l("Reply"))


class EditForm(Form):
    text = TextAreaField(
        _l("Your post"),
        validators=[
            DataRequired(_l("Please write something before posting.")),
            Length(max=_TEXT_BOUND),
        ],
    )
    submit = SubmitField(_l("Save"))
