"""The questionnaire's rules: answered before a claim, checked, fixed once answered."""

import pytest
from sqlalchemy import func, select

from rally.campaigns.models import Campaign
from rally.cards.models import Card
from rally.extensions import db
from rally.questionnaires import operations
from rally.questionnaires.models import Answer, Question
from rally.questionnaires.operations import QuestionInput, QuestionnaireError
from rally.rewards.operations import RewardError, claim_reward
from rally.utils import utcnow
from tests.conftest import texts

from .conftest import tier


def answers_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


def question_input(**changes) -> QuestionInput:
    values = {
        "text_ja": "どこで知りましたか?",
        "text_en": "How did you hear of the rally?",
        "choices_ja": "ポスター\nチラシ\n友人",
        "choices_en": "Poster\nLeaflet\nA friend",
        "required": True,
    }
    values.update(changes)
    return QuestionInput(**texts(values))


def test_required_question_blocks_the_claim_until_answered(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    question_id = make_question(campaign_id)
    card = db.session.get(Card, card_with_stamps(checkpoints[:2]))
    campaign = db.session.get(Campaign, campaign_id)
    with pytest.raises(RewardError) as info:
        claim_reward(card, tier(campaign_id), utcnow())
    assert info.value.code == "questionnaire_required"

    operations.save_answers(card, campaign, {question_id: "2"}, utcnow())
    assert claim_reward(card, tier(campaign_id), utcnow()).code


def test_optional_question_does_not_block_the_claim(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    campaign_id, checkpoints = make_campaign(tiers=(2,))
    make_question(campaign_id, required=False)
    card = db.session.get(Card, card_with_stamps(checkpoints[:2]))
    assert claim_reward(card, tier(campaign_id), utcnow()).code


@pytest.mark.parametrize("value", ["3", "0", "x", "-1"])
def test_invalid_choice_refused_and_nothing_saved(
    app, ctx, make_campaign, card_with_stamps, make_question, value
):
    campaign_id, checkpoints = make_campaign()
    free_text = make_question(campaign_id, choices=(), choices_en="", required=False)
    chosen = make_question(campaign_id)
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    with pytest.raises(QuestionnaireError) as info:
        operations.save_answers(
            card, db.session.get(Campaign, campaign_id), {free_text: "Fun", chosen: value}, utcnow()
        )
    assert info.value.code == "invalid_choice"
    assert info.value.question_id == chosen
    db.session.rollback()
    assert answers_count() == 0


def test_every_refused_question_is_reported(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    campaign_id, checkpoints = make_campaign()
    first = make_question(campaign_id)
    second = make_question(campaign_id, choices=(), choices_en="")
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    with pytest.raises(QuestionnaireError) as info:
        operations.save_answers(card, db.session.get(Campaign, campaign_id), {}, utcnow())
    assert info.value.code == "answer_required"
    assert {qid: error.code for qid, error in info.value.errors.items()} == {
        first: "answer_required",
        second: "answer_required",
    }


def test_answers_replace_earlier_ones(app, ctx, make_campaign, card_with_stamps, make_question):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    campaign = db.session.get(Campaign, campaign_id)
    operations.save_answers(card, campaign, {question_id: "1"}, utcnow())
    operations.save_answers(card, campaign, {question_id: "2"}, utcnow())
    assert answers_count() == 1
    assert operations.answers_of(card, campaign)[question_id].value == "2"


def test_choices_must_match_in_both_languages(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    with pytest.raises(QuestionnaireError) as info:
        operations.add_question(campaign, question_input(choices_en="Poster\nLeaflet"))
    assert info.value.code == "choices_mismatch"


def test_choices_in_one_language_only_are_fine(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    question = operations.add_question(campaign, question_input(choices_en=""))
    assert question.tr_lines("choices", "en") == ["ポスター", "チラシ", "友人"]


def test_blank_lines_do_not_count_as_choices(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    question = operations.add_question(
        campaign,
        question_input(
            choices_ja="ポスター\n\nチラシ\n友人\n", choices_en="Poster\nLeaflet\nA friend"
        ),
    )
    assert question.choices.get("ja", "") == "ポスター\nチラシ\n友人"


def test_question_needs_a_text(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    with pytest.raises(QuestionnaireError) as info:
        operations.add_question(campaign, question_input(text_ja=" ", text_en=""))
    assert info.value.code == "text_required"


def test_a_single_choice_is_refused(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    with pytest.raises(QuestionnaireError) as info:
        operations.add_question(campaign, question_input(choices_ja="はい", choices_en="Yes"))
    assert info.value.code == "too_few_choices"


def answered_question(card_with_stamps, make_campaign, make_question):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id, choices=("はい", "いいえ"), choices_en="Yes\nNo")
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    operations.save_answers(
        card, db.session.get(Campaign, campaign_id), {question_id: "1"}, utcnow()
    )
    db.session.commit()
    return db.session.get(Question, question_id)


def test_answered_question_cannot_be_deleted(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    question = answered_question(card_with_stamps, make_campaign, make_question)
    with pytest.raises(QuestionnaireError) as info:
        operations.delete_question(question)
    assert info.value.code == "question_has_answers"


def test_answered_question_keeps_its_choices(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    question = answered_question(card_with_stamps, make_campaign, make_question)
    with pytest.raises(QuestionnaireError) as info:
        operations.update_question(
            question,
            question_input(
                text_ja=question.text.get("ja", ""), choices_ja="いいえ\nはい", choices_en="No\nYes"
            ),
        )
    assert info.value.code == "question_has_answers"


def test_answered_question_wording_can_change(
    app, ctx, make_campaign, card_with_stamps, make_question
):
    question = answered_question(card_with_stamps, make_campaign, make_question)
    operations.update_question(
        question,
        question_input(
            text_en="Did you enjoy it?",
            choices_ja="はい\nいいえ",
            choices_en="Yes\nNo",
            required=False,
        ),
    )
    assert question.text.get("en", "") == "Did you enjoy it?"
    assert question.required is False


def test_unanswered_question_is_deleted_and_the_order_closes_up(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    first, second, third = (
        operations.add_question(campaign, question_input(text_ja=t)) for t in "一二三"
    )
    operations.delete_question(second)
    db.session.commit()
    assert [q.text.get("ja", "") for q in campaign.questions] == ["一", "三"]
    assert [q.position for q in campaign.questions] == [1, 2]


def test_questions_move_up_and_down(app, ctx, make_campaign):
    campaign = db.session.get(Campaign, make_campaign()[0])
    first, second, third = (
        operations.add_question(campaign, question_input(text_ja=t)) for t in "一二三"
    )
    operations.move_question(third, -1)
    operations.move_question(first, -1)  # already first: no change
    db.session.commit()
    db.session.expire(campaign)
    assert [q.text.get("ja", "") for q in campaign.questions] == ["一", "三", "二"]


def test_a_parallel_first_answer_is_replaced_not_an_error(
    app, ctx, make_campaign, card_with_stamps, make_question, monkeypatch
):
    campaign_id, checkpoints = make_campaign()
    question_id = make_question(campaign_id)
    card = db.session.get(Card, card_with_stamps(checkpoints[:1]))
    campaign = db.session.get(Campaign, campaign_id)
    operations.save_answers(card, campaign, {question_id: "1"}, utcnow())
    db.session.commit()
    # As if the other request's insert landed after this one looked for earlier answers.
    monkeypatch.setattr(operations, "answers_of", lambda card, campaign: {})
    operations.save_answers(card, campaign, {question_id: "2"}, utcnow())
    db.session.commit()
    assert answers_count() == 1
    assert db.session.scalar(select(Answer.value)) == "2"
