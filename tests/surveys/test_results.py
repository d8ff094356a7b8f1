"""Results: counts and percentages as bars and a table, escaped labels, free answers for
the association only, public or not as the association chooses, the CSV export."""

from rally.auth.models import Role
from rally.surveys.models import QuestionKind

from .conftest import EN, answers

SCRIPT = "<script>alert(1)</script>"


def _answer(visitor_client, make_visitor, survey_id, questions, **values):
    client = visitor_client(make_visitor())
    assert (
        client.post(f"/surveys/{survey_id}", data=answers(questions, **values)).status_code == 303
    )


def test_results_count_and_give_percentages(client, make_visitor, visitor_client, make_survey):
    survey_id, questions = make_survey()
    for single, scale in (("1", "5"), ("1", "4"), ("3", "3")):
        _answer(visitor_client, make_visitor, survey_id, questions, single=single, scale=scale)
    page = client.get(f"/surveys/{survey_id}/results", headers=EN).get_data(as_text=True)
    assert "3 residents answered." in page
    assert '<tr><th scope="row">North</th><td>2</td><td>67%</td></tr>' in page
    assert '<tr><th scope="row">South</th><td>0</td><td>0%</td></tr>' in page
    assert '<tr><th scope="row">Station</th><td>1</td><td>33%</td></tr>' in page
    assert 'width="166.7"' in page  # North's bar: two thirds of 250
    assert "Average: 4.0" in page


def test_a_label_with_markup_is_shown_as_text(client, make_visitor, visitor_client, make_survey):
    survey_id, questions = make_survey(
        questions=[(QuestionKind.single, f"Q {SCRIPT}", f"{SCRIPT}\nplain", True)]
    )
    client_ = visitor_client(make_visitor())
    client_.post(f"/surveys/{survey_id}", data={f"question-{questions[0]}": "1"})
    page = client.get(f"/surveys/{survey_id}/results", headers=EN).get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert '<text x="0" y="14">&lt;script&gt;' in svg


def test_free_answers_are_read_by_the_association_only(
    client, make_visitor, visitor_client, make_survey, admin_client
):
    survey_id, questions = make_survey()
    _answer(visitor_client, make_visitor, survey_id, questions, text="Secret idea")
    public = client.get(f"/surveys/{survey_id}/results", headers=EN).get_data(as_text=True)
    assert "Secret idea" not in public and "1 free answer." in public
    assert "read by the association only" in public
    admin = admin_client.get(f"/admin/surveys/{survey_id}/results", headers=EN)
    assert "Secret idea" in admin.get_data(as_text=True)


def test_results_that_are_not_public_are_refused(client, resident, make_survey, admin_client):
    survey_id, _ = make_survey(results_public=False)
    assert client.get(f"/surveys/{survey_id}/results").status_code == 403
    assert resident[0].get(f"/surveys/{survey_id}/results").status_code == 403
    assert admin_client.get(f"/surveys/{survey_id}/results").status_code == 200


def test_the_csv_export_is_safe_for_spreadsheets(
    make_visitor, visitor_client, make_survey, admin_client
):
    survey_id, questions = make_survey(anonymous=True)
    _answer(visitor_client, make_visitor, survey_id, questions, several=("1", "3"), text="=1+1")
    response = admin_client.get(f"/admin/surveys/{survey_id}/answers.csv", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffResponse,Day,Which street do you shop on?")
    assert "Resident" not in body.splitlines()[0]  # anonymous: no account column
    row = body.splitlines()[1]
    assert ",North,Benches / Events,4,'=1+1" in row


def test_a_named_surveys_csv_names_the_resident(
    make_visitor, visitor_client, make_survey, admin_client
):
    survey_id, questions = make_survey(anonymous=False)
    _answer(visitor_client, make_visitor, survey_id, questions)
    body = admin_client.get(f"/admin/surveys/{survey_id}/answers.csv").get_data(as_text=True)
    assert ",surveyor" in body.splitlines()[1]


def test_only_the_association_exports(client, resident, make_survey, auth, make_user):
    survey_id, _ = make_survey()
    url = f"/admin/surveys/{survey_id}/answers.csv"
    assert client.get(url).status_code == 302
    assert resident[0].get(url).status_code == 302
    assert auth.new_client(make_user(role=Role.merchant)).get(url).status_code == 403
