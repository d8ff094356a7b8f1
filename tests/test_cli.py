"""Command-line tools: init-db, the demo district, stamp links."""

from sqlalchemy import func, select

from rally.auth.models import Role, User
from rally.campaigns.models import Campaign, Checkpoint
from rally.extensions import db
from rally.stores.models import Store
from rally.utils import utcnow


def test_init_db_creates_schema_from_migrations(app):
    with app.app_context():
        db.drop_all()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def test_demo_is_idempotent_and_complete(app, runner):
    with app.app_context():
        db.drop_all()  # the demo builds its schema through the migrations
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.jp / " in first.output
    assert "merchant@example.jp / " in first.output
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count()).select_from(Store)),
            db.session.scalar(select(func.count()).select_from(Campaign)),
            db.session.scalar(select(func.count()).select_from(User)),
        )
    # Web Push works in the demo: a VAPID key is made once, then kept.
    assert "VAPID key made" in first.output
    with open(app.config["RALLY_VAPID_KEY_FILE"]) as handle:
        vapid_key = handle.read()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "VAPID key made" not in second.output
    with open(app.config["RALLY_VAPID_KEY_FILE"]) as handle:
        assert handle.read() == vapid_key
    with app.app_context():
        assert counts == (
            db.session.scalar(select(func.count()).select_from(Store)),
            db.session.scalar(select(func.count()).select_from(Campaign)),
            db.session.scalar(select(func.count()).select_from(User)),
        )
        stores = db.session.scalars(select(Store)).all()
        assert len(stores) >= 30
        assert {store.category.value for store in stores} == {"buy", "eat", "play", "walk", "relax"}
        assert all(store.name.get("ja", "") and store.name.get("en", "") for store in stores)
        assert all(
            store.description.get("ja", "") and store.description.get("en", "") for store in stores
        )
        campaign, purchase = db.session.scalars(select(Campaign).order_by(Campaign.id)).all()
        assert campaign.is_running(utcnow())
        assert sorted(tier.basis.value for tier in campaign.tiers) == [
            "all_areas",
            "stamps",
            "stamps",
            "stamps",
        ]
        # Every place of the rally belongs to a street; a landmark asks a quiz.
        assert all(checkpoint.place.area_id for checkpoint in campaign.checkpoints)
        assert len({checkpoint.place.area_id for checkpoint in campaign.checkpoints}) == 4
        assert [cp.quiz_answer for cp in campaign.checkpoints if cp.has_quiz] == [1]
        assert purchase.is_purchase and purchase.is_running(utcnow())
        assert (purchase.yen_per_stamp, purchase.max_stamps_per_purchase) == (1000, 2)
        assert [(t.threshold, t.repeats) for t in purchase.tiers] == [(5, True)]
        assert [q.required for q in campaign.questions] == [True, True, False]
        assert [code.label.get("en", "") for code in purchase.checkpoints[0].codes] == ["Till 2"]
        roles = {user.role for user in db.session.scalars(select(User))}
        assert roles == {Role.admin, Role.merchant}
        merchant = db.session.scalar(select(User).where(User.role == Role.merchant))
        assert merchant.stores  # the demo merchant has a store to edit


def test_demo_log_ins_work(app, runner, client):
    with app.app_context():
        db.drop_all()
    output = runner.invoke(args=["demo"]).output
    line = next(line for line in output.splitlines() if "Merchant:" in line)
    email, password = line.split(":", 1)[1].strip().split(" / ")
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 303


def test_qr_links_lists_open_checkpoints(app, runner, make_campaign, stamp_path):
    _, checkpoints = make_campaign(title_ja="開催中ラリー", title_en="Open Rally")
    make_campaign(starts=-10, ends=-1, title_ja="終了ラリー", title_en="Past Rally")
    result = runner.invoke(args=["qr-links"])
    assert result.exit_code == 0
    assert "Open Rally" in result.output
    assert "Past Rally" not in result.output
    # The place's name in each site language, then its URL.
    urls = [line.split("\t")[-1] for line in result.output.splitlines() if "\t" in line]
    assert urls == ["http://rally.test" + stamp_path(cp) for cp in checkpoints]


def test_qr_links_when_nothing_is_open(runner):
    result = runner.invoke(args=["qr-links"])
    assert "No campaign is open now." in result.output


def test_demo_refused_in_production(app, runner):
    app.config["RALLY_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "not for production" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Checkpoint)) == 0
