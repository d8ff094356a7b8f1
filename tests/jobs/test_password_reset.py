"""The forgotten-password page does the same work whether the address has an account or
not: same answer, same statements, one queued job; the job alone looks the account up."""

import re

import pytest
from sqlalchemy import event, func, select

from rally.auth.models import Role
from rally.extensions import db
from rally.jobs.models import Delivery
from rally.mail import outbox
from rally.visitors.models import Visitor

EN = {"Accept-Language": "en"}
FORMS = {"visitor": "/me/password/forgot", "staff": "/auth/password/forgot"}


@pytest.fixture
def known_address(app, make_user):
    def make(kind):
        if kind == "staff":
            return make_user(role=Role.merchant).email
        with app.app_context():
            visitor = Visitor(email="hanako@example.jp", locale="en")
            visitor.set_password("long enough pw")
            db.session.add(visitor)
            db.session.commit()
            return visitor.email

    return make


def ask(app, client, queue, path, email):
    """Post the form; answer the response, the page it leads to (the address blanked), the
    SQL the request ran and the jobs it queued."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.post(path, data={"email": email}, headers=EN)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", page.replace(email, "ADDRESS"))
    return response, page, statements, queue.names()


@pytest.mark.parametrize("kind", ["visitor", "staff"])
def test_known_and_unknown_addresses_get_the_same_answer_from_the_same_work(
    app, client, queue, known_address, kind
):
    known = known_address(kind)
    path = FORMS[kind]

    response, page, statements, jobs = ask(app, client, queue, path, known)
    queue.run()
    with app.app_context():
        assert [m["To"] for m in outbox()] == [known]

    unknown = "nobody@example.jp"
    other, other_page, other_statements, other_jobs = ask(app, client, queue, path, unknown)
    queue.run()
    with app.app_context():
        assert [m["To"] for m in outbox()] == [known]  # nothing for the unknown address
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 1

    assert (response.status_code, response.headers["Location"]) == (
        other.status_code,
        other.headers["Location"],
    )
    assert "If an account uses ADDRESS, we have sent it a link" in page
    assert page == other_page
    assert statements == other_statements
    # The request did not look the address up (the job does): no account table read.
    assert not [s for s in statements if re.search(r'\bFROM "?(visitor|user)"?(\s|$)', s)]
    assert jobs == other_jobs and len(jobs) == 1
    assert jobs[0].endswith(".mail_reset_link")


def test_a_reset_job_run_twice_queues_one_mail(app, client, queue, known_address):
    """A worker that lost its acknowledgement runs the look-up again: one mail still."""
    from rally.jobs import huey

    email = known_address("visitor")
    client.post(FORMS["visitor"], data={"email": email})
    with app.app_context():
        (task,) = huey.pending()
    task.execute()
    task.execute()
    queue.run()
    with app.app_context():
        assert [m["To"] for m in outbox()] == [email]
