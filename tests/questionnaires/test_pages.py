"""The association's question pages and the visitor's questionnaire page."""

import re

import pytest
from sqlalchemy import func, select

from rally.auth.models import Role
from rally.campaigns.models import Campaign
from rally.extensions import db
from rally.questionnaires.models import Answer, Question
from rally.rewards.models import Claim

EN = {"Accept-Language": "en"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def question_form(**changes):
    data = {
        "text-ja": "どこで知りましたか?",
        "text-en": "How did you hear of the rally?",
        "choices-ja": "ポスター\nチラシ",
        "choices-en": "Poster\nLeaflet",
        "required": "y",
    }
    data.update(changes)
    return data


# --- Roles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/campaigns/{campaign}/questions",
        "/admin/campaigns/{campaign}/questions/new",
        "/admin/questions/{question}/edit",
        "/admin/questions/{question}/delete",
    ],
)
def test_merchant_gets_403_and_anonymous_the_log_in(
    app, client, make_user, make_campaign, make_question, path, auth
):
    campaign_id, _ = make_campaign()
    url = path.format(campaign=campaign_id, question=make_question(campaign_id))
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]
    auth.login(make_user(role=Role.merchant))
    assert client.get(url).status_code == 403


def test_merchant_cannot_post_changes(app, client, make_user, make_campaign, make_question, auth):
    campaign_id, _ = make_campaign()
    question_id = make_question(campaign_id)
    auth.login(make_user(role=Role.merchant))
    assert client.post(f"/admin/questions/{question_id}/delete").status_code == 403
    assert (
        client.post(f"/admin/questions/{question_id}/move", data={"direction": "up"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/admin/campaigns/{campaign_id}/questions/new", data=question_form()
        ).status_code
        == 403
    )
    with app.app_context():
        assert count(Question) == 1


# --- The association ----------------------------------------------------------------------


def test_empty_questionnaire_says_so(app, client, admin, make_campaign, auth):
    campaign_id, _ = make_campaign()
    auth.login(admin)
    html = client.get(f"/admin/campaigns/{campaign_id}/questions", headers=EN).get_data(
        as_text=True
    )
    assert 'data-testid="no-questions"' in html


def test_admin_campaign_page_links_to_the_questionnaire(app, client, admin, make_campaign, auth):
    campaign_id, _ = make_campaign()
    auth.login(admin)
    html = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert f"/admin/campaigns/{campaign_id}/questions" in html


def test_admin_adds_a_question(app, client, admin, make_campaign, auth):
    campaign_id, _ = make_campaign()
    auth.login(admin)
    response = client.post(f"/admin/campaigns/{campaign_id}/questions/new", data=question_form())
    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "How did you hear of the rally?" in html
    with app.app_context():
        question = db.session.get(Campaign, campaign_id).questions[0]
        assert question.tr_lines("choices", "en") == ["Poster", "Leaflet"]
        assert question.required


def test_mismatched_choices_shown_translated_and_nothing_saved(
    app, client, admin, make_campaign, auth
):
    campaign_id, _ = make_campaign()
    auth.login(admin)
    response = client.post(
        f"/admin/campaigns/{campaign_id}/questions/new",
        data=question_form(**{"choices-en": "Poster"}),
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="choices-error"' in html
    assert "Give the same number of choices" not in html  # shown in Japanese
    with app.app_context():
        assert count(Question) == 0


def test_answered_question_choices_refused_on_the_edit_page(
    app, client, admin, make_campaign, make_question, card_with_stamps, visitor, auth
):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id, choices=("はい", "いいえ"), choices_en="Yes\nNo")
    phone = visitor(card_with_stamps(checkpoints[:1]))
    assert (
        phone.post(
            f"/card/{campaign_id}/questionnaire", data={f"question-{question_id}": "1"}
        ).status_code
        == 303
    )
    auth.login(admin)
    refused = client.post(
        f"/admin/questions/{question_id}/edit",
        data=question_form(
            **{"choices-ja": "はい\nいいえ\nたぶん", "choices-en": "Yes\nNo\nMaybe"}
        ),
        headers=EN,
    )
    assert refused.status_code == 400
    assert "its choices can no longer change" in refused.get_data(as_text=True)
    reworded = client.post(
        f"/admin/questions/{question_id}/edit",
        data=question_form(
            **{"text-en": "Did you like it?", "choices-ja": "はい\nいいえ", "choices-en": "Yes\nNo"}
        ),
    )
    assert reworded.status_code == 303
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question.text.get("en", "") == "Did you like it?"
        assert question.choices.get("en", "") == "Yes\nNo"


def test_delete_asks_first_then_deletes_on_post(
    app, client, admin, make_campaign, make_question, auth
):
    campaign_id, _ = make_campaign()
    question_id = make_question(campaign_id)
    auth.login(admin)
    confirm = client.get(f"/admin/questions/{question_id}/delete", headers=EN)
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.get_data(as_text=True)
    with app.app_context():
        assert count(Question) == 1
    assert client.post(f"/admin/questions/{question_id}/delete").status_code == 303
    with app.app_context():
        assert count(Question) == 0


def test_answered_question_is_not_deleted(
    app, client, admin, make_campaign, make_question, card_with_stamps, visitor, auth
):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    visitor(card_with_stamps(checkpoints[:1])).post(
        f"/card/{campaign_id}/questionnaire", data={f"question-{question_id}": "2"}
    )
    auth.login(admin)
    response = client.post(f"/admin/questions/{question_id}/delete", headers=EN)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "it can no longer be deleted" in page
    with app.app_context():
        assert count(Question) == 1


def test_move_changes_the_order(app, client, admin, make_campaign, make_question, auth):
    campaign_id, _ = make_campaign()
    make_question(campaign_id, text="一")
    second = make_question(campaign_id, text="二")
    auth.login(admin)
    assert (
        client.post(f"/admin/questions/{second}/move", data={"direction": "up"}).status_code == 303
    )
    with app.app_context():
        assert [q.text.get("ja", "") for q in db.session.get(Campaign, campaign_id).questions] == [
            "二",
            "一",
        ]


# --- The visitor --------------------------------------------------------------------------


def test_claim_leads_to_the_questionnaire_then_the_reward(
    app, make_campaign, make_question, card_with_stamps, visitor, first_tier
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    question_id = make_question(campaign_id)
    phone = visitor(card_with_stamps(checkpoints[:2]))
    tier_id = first_tier(campaign_id)

    refused = phone.post(f"/card/{campaign_id}/tiers/{tier_id}/claim", headers=EN)
    assert refused.status_code == 303
    assert refused.headers["Location"] == (
        f"/card/{campaign_id}/questionnaire?next=/card/{campaign_id}"
    )
    page = phone.get(refused.headers["Location"], headers=EN)
    assert "Please answer the short questionnaire" in page.get_data(as_text=True)
    with app.app_context():
        assert count(Claim) == 0

    saved = phone.post(refused.headers["Location"], data={f"question-{question_id}": "1"})
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/card/{campaign_id}"
    claimed = phone.post(f"/card/{campaign_id}/tiers/{tier_id}/claim")
    assert claimed.headers["Location"].startswith("/card/claims/")


def test_missing_answer_marked_per_question_and_answers_kept(
    app, make_campaign, make_question, card_with_stamps, visitor
):
    campaign_id, checkpoints = make_campaign()
    choice = make_question(campaign_id)
    free = make_question(campaign_id, choices=(), choices_en="", text_en="Anything to tell us?")
    phone = visitor(card_with_stamps(checkpoints[:1]))
    response = phone.post(
        f"/card/{campaign_id}/questionnaire", data={f"question-{choice}": "2"}, headers=EN
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'aria-describedby="question-{free}-error"' in html
    assert "Please answer every question marked as required." in html
    assert f'id="question-{choice}-error"' not in html
    assert (
        f'<input checked id="question-{choice}-1" name="question-{choice}" type="radio" value="2">'
        in html
    )
    with app.app_context():
        assert count(Answer) == 0


def test_earlier_answers_are_shown_again(
    app, make_campaign, make_question, card_with_stamps, visitor
):
    campaign_id, checkpoints = make_campaign()
    free = make_question(campaign_id, choices=(), choices_en="")
    phone = visitor(card_with_stamps(checkpoints[:1]))
    phone.post(f"/card/{campaign_id}/questionnaire", data={f"question-{free}": "Great rally"})
    assert "Great rally" in phone.get(f"/card/{campaign_id}/questionnaire").get_data(as_text=True)


def test_next_must_stay_on_the_site(app, make_campaign, make_question, card_with_stamps, visitor):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    phone = visitor(card_with_stamps(checkpoints[:1]))
    response = phone.post(
        f"/card/{campaign_id}/questionnaire?next=//evil.example/",
        data={f"question-{question_id}": "1"},
    )
    assert response.headers["Location"] == f"/card/{campaign_id}"


def test_without_a_card_the_visitor_goes_to_the_card_page(
    app, client, make_campaign, make_question
):
    campaign_id, _ = make_campaign()
    make_question(campaign_id)
    response = client.get(f"/card/{campaign_id}/questionnaire")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/card/{campaign_id}"


def test_draft_campaign_has_no_questionnaire(app, client, make_campaign):
    from rally.campaigns.models import CampaignState

    campaign_id, _ = make_campaign(state=CampaignState.draft)
    assert client.get(f"/card/{campaign_id}/questionnaire").status_code == 404


def test_choices_read_only_once_answered(
    app, client, admin, make_campaign, make_question, card_with_stamps, visitor, auth
):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    auth.login(admin)
    assert "readonly" not in client.get(f"/admin/campaigns/{campaign_id}/questions/new").text
    assert "readonly" not in client.get(f"/admin/questions/{question_id}/edit").text
    visitor(card_with_stamps(checkpoints[:1])).post(
        f"/card/{campaign_id}/questionnaire", data={f"question-{question_id}": "1"}
    )
    # The choices in each of the five languages; the question's wording stays editable.
    page = client.get(f"/admin/questions/{question_id}/edit").text
    assert page.count("readonly") == 5
    assert len(re.findall(r"<textarea[^>]*readonly", page)) == 5
    assert "readonly" not in re.search(r'<input[^>]*name="text-ja"[^>]*>', page)[0]


def test_next_with_a_line_break_leads_back_to_the_card(
    app, make_campaign, make_question, card_with_stamps, visitor
):
    """The answers were stored and then the redirect crashed with a 500."""
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    phone = visitor(card_with_stamps(checkpoints[:1]))
    url = f"/card/{campaign_id}/questionnaire?next=/%0d%0aX:1"
    saved = phone.post(url, data={f"question-{question_id}": "1"})
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/card/{campaign_id}"
    with app.app_context():
        assert count(Answer) == 1
    assert phone.get(url).status_code == 200


def test_without_a_card_a_next_with_a_line_break_leads_to_the_card(
    client, make_campaign, make_question
):
    campaign_id, _ = make_campaign()
    make_question(campaign_id)
    response = client.get(f"/card/{campaign_id}/questionnaire?next=/%0d%0aX:1")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/card/{campaign_id}"
