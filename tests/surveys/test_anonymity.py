"""Anonymous answers: nothing in the database leads from an answer to the resident."""

from sqlalchemy import inspect, select, text

from rally.extensions import db
from rally.surveys.models import SurveyRespondent, SurveyResponse
from rally.visitors.models import Visitor

from .conftest import answers


def _tables_reachable_from(table_names, metadata, start):
    """The tables a foreign key leads to from ``start``, transitively (the model's paths)."""
    seen, todo = set(), [start]
    while todo:
        table = metadata.tables[todo.pop()]
        for key in table.foreign_keys:
            target = key.column.table.name
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_anonymous_answers_are_not_linked_to_accounts(
    app, make_visitor, visitor_client, make_survey
):
    survey_id, questions = make_survey(anonymous=True)
    residents = [make_visitor() for _ in range(3)]
    for number, visitor_id in enumerate(residents, start=1):
        sent = visitor_client(visitor_id).post(
            f"/surveys/{survey_id}", data=answers(questions, text=f"comment {number}")
        )
        assert sent.status_code == 303
    with app.app_context():
        responses = list(db.session.scalars(select(SurveyResponse)))
        # Who answered is known (one answer each)...
        assert {row.visitor_id for row in db.session.scalars(select(SurveyRespondent))} == set(
            residents
        )
        # ...but no answer row holds an account, an exact time or an order of arrival.
        assert len(responses) == 3 and all(row.visitor_id is None for row in responses)
        assert all(len(row.id) == 32 and int(row.id, 16) for row in responses)
        assert {type(row.answered_on).__name__ for row in responses} == {"date"}
        columns = {c["name"] for c in inspect(db.engine).get_columns("survey_respondent")}
        assert columns == {"survey_id", "visitor_id"}  # no time, no counter, no response
        # The respondent table leads to no answer, and an answer reaches an account only
        # through the response's visitor_id, which is empty.
        metadata = db.metadata
        assert "survey_response" not in _tables_reachable_from(None, metadata, "survey_respondent")
        assert "survey_answer" not in _tables_reachable_from(None, metadata, "survey_respondent")
        joined = db.session.execute(
            select(SurveyResponse.id).join(Visitor, Visitor.id == SurveyResponse.visitor_id)
        ).all()
        assert joined == []
        if db.engine.dialect.name == "sqlite":  # no hidden row number in order of arrival
            for table in ("survey_respondent", "survey_response", "survey_answer"):
                sql = db.session.scalar(
                    text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": table}
                )
                assert "WITHOUT ROWID" in sql


def test_a_named_survey_keeps_who_answered_on_the_response(
    app, make_visitor, visitor_client, make_survey
):
    survey_id, questions = make_survey(anonymous=False)
    visitor_id = make_visitor()
    visitor_client(visitor_id).post(f"/surveys/{survey_id}", data=answers(questions))
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.visitor_id)) == visitor_id


def test_the_answer_page_says_answers_are_anonymous(resident, make_survey):
    survey_id, _ = make_survey(anonymous=True)
    page = resident[0].get(f"/surveys/{survey_id}", headers={"Accept-Language": "en"})
    assert "Your answers are anonymous" in page.get_data(as_text=True)
