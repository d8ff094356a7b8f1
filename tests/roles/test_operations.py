"""Granting, changing and revoking roles: the refusals (one code each, nothing written) and
the audit log (one row per grant, change and revocation)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from rally.auth.models import User
from rally.extensions import db
from rally.roles import operations
from rally.roles.models import RoleAction, RoleKind, RoleLog, StaffRole
from rally.roles.operations import RoleError, RoleInput
from rally.utils import utcnow

from .conftest import DAY


def _refused(app, counts, data: RoleInput) -> str:
    before = counts()
    with app.app_context():
        with pytest.raises(RoleError) as caught:
            operations.grant_role(data, None, utcnow())
        db.session.rollback()
    assert counts() == before
    return caught.value.code


def _email(app, visitor_id):
    with app.app_context():
        return db.session.get(operations.Visitor, visitor_id).email


def _input(who, kind=RoleKind.town_office_staff, starts=DAY, ends=None, **kw):
    return RoleInput(who=who, kind=kind, starts_on=starts, ends_on=ends or starts, **kw)


def test_an_end_before_the_start_is_refused(app, make_visitor, counts):
    who = _email(app, make_visitor())
    data = _input(who, starts=DAY, ends=DAY - timedelta(days=1))
    assert _refused(app, counts, data) == "ends_before_starts"


@pytest.mark.parametrize("who", ["nobody@example.jp", "@nobody", "", "@"])
def test_an_unknown_resident_is_refused(app, make_visitor, counts, who):
    make_visitor()
    assert _refused(app, counts, _input(who)) == "unknown_resident"


def test_a_resident_is_found_by_handle_or_e_mail_in_any_case(app, make_visitor):
    visitor_id = make_visitor(handle="hanako")
    email = _email(app, visitor_id)
    with app.app_context():
        for who in ("@Hanako", "hanako", email.upper(), f" {email} "):
            assert operations.find_resident(who).id == visitor_id


def test_a_scope_is_required_for_a_circle_moderator_or_an_event_helper(app, make_visitor, counts):
    who = _email(app, make_visitor())
    assert _refused(app, counts, _input(who, RoleKind.circle_moderator)) == "scope_missing"
    assert _refused(app, counts, _input(who, RoleKind.event_helper)) == "scope_missing"


def test_a_scope_of_the_wrong_kind_is_refused(app, make_visitor, make_circle, make_event, counts):
    who = _email(app, make_visitor())
    circle_id, event_id = make_circle(), make_event()
    wrong = [
        _input(who, RoleKind.town_office_staff, circle_id=circle_id),
        _input(who, RoleKind.town_office_staff, all_events=True),
        _input(who, RoleKind.circle_moderator, circle_id=circle_id, event_id=event_id),
        _input(who, RoleKind.event_helper, circle_id=circle_id, event_id=event_id),
        _input(who, RoleKind.event_helper, event_id=event_id, all_events=True),
    ]
    for data in wrong:
        assert _refused(app, counts, data) == "wrong_scope", data


def test_a_badge_too_long_is_refused(app, make_visitor, counts):
    who = _email(app, make_visitor())
    assert _refused(app, counts, _input(who, badge="あ" * 41)) == "badge_too_long"


def test_the_same_role_on_overlapping_days_is_refused(app, make_visitor, grant, counts):
    resident = make_visitor()
    grant(resident, RoleKind.town_office_staff, starts=DAY, ends=DAY + timedelta(days=3))
    who = _email(app, resident)
    data = _input(who, starts=DAY + timedelta(days=3), ends=DAY + timedelta(days=9))
    assert _refused(app, counts, data) == "overlapping_role"


def test_the_same_role_on_other_days_or_another_scope_is_granted(
    app, make_visitor, make_circle, grant
):
    resident = make_visitor()
    first, second = make_circle(), make_circle()
    grant(resident, RoleKind.circle_moderator, starts=DAY, ends=DAY, circle_id=first)
    grant(resident, RoleKind.circle_moderator, starts=DAY, ends=DAY, circle_id=second)
    later = DAY + timedelta(days=1)
    grant(resident, RoleKind.circle_moderator, starts=later, ends=later, circle_id=first)
    grant(resident, RoleKind.town_office_staff, starts=DAY, ends=DAY)
    with app.app_context():
        assert len(db.session.scalars(select(StaffRole)).all()) == 4


def test_a_revoked_role_does_not_stand_in_the_way_of_a_new_one(app, make_visitor, grant):
    resident = make_visitor()
    role_id = grant(resident, starts=DAY, ends=DAY + timedelta(days=5))
    with app.app_context():
        operations.revoke_role(db.session.get(StaffRole, role_id), None, utcnow())
        db.session.commit()
    grant(resident, starts=DAY, ends=DAY + timedelta(days=5))


def _log(app):
    with app.app_context():
        rows = db.session.scalars(select(RoleLog).order_by(RoleLog.id))
        return [
            (
                row.role_id,
                row.action,
                row.kind,
                row.user_id,
                row.starts_on,
                row.ends_on,
                row.previous_starts_on,
                row.previous_ends_on,
            )
            for row in rows
        ]


def test_grants_changes_and_revocations_are_logged_with_who_and_the_dates(
    app, make_visitor, make_circle, admin_id
):
    who = _email(app, make_visitor())
    circle_id = make_circle()
    last, later = DAY + timedelta(days=3), DAY + timedelta(days=30)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        data = _input(who, RoleKind.circle_moderator, ends=last, circle_id=circle_id)
        role = operations.grant_role(data, admin, utcnow())
        assert operations.change_dates(role, DAY, later, admin, utcnow())
        assert not operations.change_dates(role, DAY, later, admin, utcnow())  # no change
        assert operations.revoke_role(role, admin, utcnow())
        assert not operations.revoke_role(role, admin, utcnow())  # revoked once
        db.session.commit()
        role_id = role.id
    kind = RoleKind.circle_moderator
    assert _log(app) == [
        (role_id, RoleAction.granted, kind, admin_id, DAY, last, None, None),
        (role_id, RoleAction.dates_changed, kind, admin_id, DAY, later, DAY, last),
        (role_id, RoleAction.revoked, kind, admin_id, DAY, later, None, None),
    ]


def test_the_dates_of_a_revoked_role_cannot_change(app, make_visitor, grant, counts):
    role_id = grant(make_visitor())
    with app.app_context():
        role = db.session.get(StaffRole, role_id)
        operations.revoke_role(role, None, utcnow())
        db.session.commit()
    before = counts()
    with app.app_context():
        role = db.session.get(StaffRole, role_id)
        with pytest.raises(RoleError) as caught:
            operations.change_dates(role, DAY, DAY + timedelta(days=99), None, utcnow())
        db.session.rollback()
    assert caught.value.code == "role_revoked"
    assert counts() == before


def test_changed_dates_are_checked_like_new_ones(app, make_visitor, grant, counts):
    resident = make_visitor()
    first = grant(resident, starts=DAY, ends=DAY)
    grant(resident, starts=DAY + timedelta(days=5), ends=DAY + timedelta(days=6))
    before = counts()
    with app.app_context():
        role = db.session.get(StaffRole, first)
        for starts, ends, code in [
            (DAY, DAY - timedelta(days=1), "ends_before_starts"),
            (DAY, DAY + timedelta(days=5), "overlapping_role"),
        ]:
            with pytest.raises(RoleError) as caught:
                operations.change_dates(role, starts, ends, None, utcnow())
            assert caught.value.code == code
            db.session.rollback()
    assert counts() == before


def test_an_erased_account_takes_its_roles_but_the_log_stays(app, make_visitor, grant):
    resident = make_visitor()
    grant(resident)
    with app.app_context():
        db.session.delete(db.session.get(operations.Visitor, resident))
        db.session.commit()
        assert db.session.scalars(select(StaffRole)).all() == []
        (row,) = db.session.scalars(select(RoleLog)).all()
        assert row.role_id is None and row.kind is RoleKind.town_office_staff
