"""Questionnaire answers in the association's CSV exports."""

from rally.cards.models import Card
from rally.extensions import db


def test_answers_appear_in_the_csv(
    app, client, admin, make_campaign, make_question, card_with_stamps, visitor, auth
):
    campaign_id, checkpoints = make_campaign()
    other_campaign, _ = make_campaign()
    choice = make_question(campaign_id, text="好きな店は?", choices=("パン屋", "花屋"))
    free = make_question(campaign_id, text="ご意見", choices=(), choices_en="", required=False)
    card_id = card_with_stamps(checkpoints[:1])
    visitor(card_id).post(
        f"/card/{campaign_id}/questionnaire",
        data={f"question-{choice}": "2", f"question-{free}": "=HYPERLINK(1)"},
    )
    auth.login(admin)
    response = client.get(f"/admin/exports/answers.csv?campaign={campaign_id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    with app.app_context():
        number = db.session.get(Card, card_id).number
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    assert f"{number},好きな店は?,花屋," in lines[1]
    assert f"{number},ご意見,'=HYPERLINK(1)," in lines[2]
    assert lines[1].split(",")[-1].count(":") == 2  # a local time
    empty = client.get(f"/admin/exports/answers.csv?campaign={other_campaign}")
    assert len(empty.get_data(as_text=True).splitlines()) == 1


def test_answers_export_listed_and_admin_only(app, client, make_user, admin, auth):
    from rally.auth.models import Role

    auth.login(make_user(role=Role.merchant))
    assert client.get("/admin/exports/answers.csv").status_code == 403
    auth.logout()
    auth.login(admin)
    assert "/admin/exports/answers.csv" in client.get("/admin/exports/").get_data(as_text=True)
