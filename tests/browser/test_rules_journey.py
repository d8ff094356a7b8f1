"""A visitor collects stamps in two areas, answers a landmark's quiz, and sees the progress
of each area in Japanese and in English."""

import pytest

from rally.areas.models import Area
from rally.campaigns.models import Campaign, Checkpoint
from rally.extensions import db
from rally.spots.models import Spot, SpotKind

pytestmark = pytest.mark.browser


@pytest.fixture
def two_area_rally(app, make_campaign, stamp_path):
    campaign_id, (shop_id, other_shop_id) = make_campaign(stores=2)
    with app.app_context():
        station = Area(name={"ja": "駅前通り", "en": "Station Street"}, position=1)
        shrine_street = Area(name={"ja": "参道", "en": "Shrine Approach"}, position=2)
        db.session.add_all([station, shrine_street])
        db.session.flush()
        db.session.get(Checkpoint, shop_id).store.area_id = station.id
        db.session.get(Checkpoint, other_shop_id).store.area_id = station.id
        shrine = Spot(
            kind=SpotKind.shrine,
            name={"ja": "下連雀稲荷神社", "en": "Shimorenjaku Inari Shrine"},
            area_id=shrine_street.id,
        )
        db.session.add(shrine)
        db.session.flush()
        landmark = Checkpoint(
            campaign_id=campaign_id,
            spot_id=shrine.id,
            quiz_question={
                "ja": "狐の像はいくつ？",
                "en": "How many fox statues guard the shrine?",
            },
            quiz_choices={"ja": "1体\n2体\n3体", "en": "One\nTwo\nThree"},
            quiz_answer=2,
        )
        db.session.add(landmark)
        db.session.commit()
        assert db.session.get(Campaign, campaign_id).checkpoints
        return campaign_id, stamp_path(shop_id), stamp_path(landmark.id)


def test_two_areas_with_a_quiz_in_both_languages(live_server, phone, two_area_rally):
    campaign_id, shop, landmark = two_area_rally

    phone.goto(live_server + shop)
    assert phone.get_by_test_id("areas-complete").inner_text().strip() == "2エリア中1エリア達成"
    statuses = phone.get_by_test_id("area-status")
    assert statuses.nth(0).inner_text().strip() == "エリア達成！"
    assert statuses.nth(1).inner_text().strip() == "このエリアのスタンプ 0 / 1"

    phone.goto(live_server + landmark)
    assert "狐の像はいくつ？" in phone.locator("legend").inner_text()
    phone.get_by_label("3体").check()
    phone.get_by_role("button", name="答えてスタンプをもらう").click()
    assert "不正解" in phone.get_by_test_id("quiz-error").inner_text()
    assert phone.get_by_role("alert").count() == 1

    phone.get_by_label("2体").check()
    phone.get_by_role("button", name="答えてスタンプをもらう").click()
    phone.wait_for_url(f"**/card/{campaign_id}?new=*")
    assert "スタンプをゲットしました" in phone.get_by_test_id("scan-result").inner_text()
    assert phone.get_by_test_id("areas-complete").inner_text().strip() == "2エリア中2エリア達成"
    assert phone.get_by_test_id("stamp-collected").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.get_by_test_id("lang-switch").click()  # the header's language menu
    phone.get_by_test_id("lang-en").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("areas-complete").inner_text().strip() == "2 of 2 areas completed"
    headings = [h.strip() for h in phone.locator(".area h3").all_inner_texts()]
    assert headings == ["Station Street", "Shrine Approach"]
    assert phone.get_by_test_id("area-status").all_inner_texts() == [
        "Area completed!",
        "Area completed!",
    ]
    assert phone.get_by_role("heading", name="Shrine Approach").is_visible()
