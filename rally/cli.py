"""``flask --app rally ...`` commands."""

import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .extensions import db
from .utils import utcnow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS = os.path.join(ROOT, "translations")
POT = os.path.join(ROOT, "messages.pot")

translate = AppGroup("translate", help="Extract, update and compile the message catalogs.")
lottery = AppGroup("lottery", help="Lotteries anyone can check.")
events = AppGroup("events", help="Events: reminders to registered residents.")
jobs = AppGroup("jobs", help="The job queue: mails and everything else that sends.")
handmedown = AppGroup("handmedown", help="The hand-me-down board.")


def init_app(app) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(demo)
    app.cli.add_command(qr_links)
    app.cli.add_command(translate)
    app.cli.add_command(lottery)
    app.cli.add_command(events)
    app.cli.add_command(jobs)
    app.cli.add_command(backup)
    app.cli.add_command(restore)

    from .push.commands import push

    app.cli.add_command(push)
    app.cli.add_command(handmedown)


def upgrade_database() -> None:
    """Bring the schema to the newest migration (creates every table on an empty database)."""
    from flask_migrate import upgrade

    upgrade()


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema."""
    upgrade_database()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="The archive to write (default: rally-backup-<UTC time>.tar.gz here).",
)
@with_appcontext
def backup(output):
    """Back up the database and every upload into one .tar.gz (safe while serving)."""
    from .ops.backup import BackupError, default_output_name, make_backup

    output = output or default_output_name()
    try:
        manifest = make_backup(output)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Backup written to {output}: {manifest.database} database at revision "
        f"{manifest.alembic_revision}, {manifest.uploads} uploads."
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Replace a database that is not empty.")
@with_appcontext
def restore(archive, yes, force):
    """Restore a backup made by `flask backup` into an empty database and the uploads."""
    from .ops.backup import BackupError, read_manifest, restore_backup

    url = db.engine.url.render_as_string(hide_password=True)
    try:
        manifest = read_manifest(archive)
        if not yes:
            click.confirm(
                f"Restore the backup of {manifest.created_at} (revision "
                f"{manifest.alembic_revision}) into {url}?",
                abort=True,
            )
        restore_backup(archive, force=force)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Restored {manifest.uploads} uploads and the database into {url}.")


@click.command("demo")
@with_appcontext
def demo():
    """Seed the demo district (idempotent) and print its log-ins."""
    from .demo import seed_demo

    if current_app.config["RALLY_ENV"] == "production":
        raise click.ClickException("The demo district is not for production databases.")
    from .push.commands import ensure_keys

    upgrade_database()
    result = seed_demo(utcnow(), current_app.config["RALLY_TIMEZONE"])
    db.session.commit()
    if ensure_keys():
        click.echo("  Web Push: VAPID key made in instance/vapid_private_key.")
    campaign = result["campaign"]
    click.echo(f"Demo district ready: {result['stores']} stores, campaign #{campaign.id}.")
    click.echo(f"  Association admin: {result['admin'][0]} / {result['admin'][1]}")
    click.echo(f"  Merchant:          {result['merchant'][0]} / {result['merchant'][1]}")
    click.echo(f"  Resident:          {result['resident'][0]} / {result['resident'][1]}")
    click.echo(f"  Circle moderator:  {result['moderator'][0]} / {result['moderator'][1]}")
    click.echo(f"  Volunteer staff:   {result['volunteer'][0]} / {result['volunteer'][1]}")
    click.echo("  Stamp links: flask --app rally qr-links")


@click.command("qr-links")
@with_appcontext
def qr_links():
    """Print each checkpoint's stamp URL for the campaigns open now."""
    from rally.campaigns.lifecycle import open_campaigns
    from rally.stamping.tokens import stamp_url

    from .campaigns.models import Checkpoint
    from .i18n.languages import site_languages

    campaigns = open_campaigns(utcnow())
    if not campaigns:
        click.echo("No campaign is open now.")
    for campaign in campaigns:
        click.echo(f"# {' / '.join(campaign.title.values())}")
        checkpoints = db.session.scalars(
            select(Checkpoint).where(Checkpoint.campaign_id == campaign.id).order_by(Checkpoint.id)
        )
        for checkpoint in checkpoints:
            store = checkpoint.place
            names = "\t".join(store.name.get(code, "") for code in site_languages())
            click.echo(f"{names}\t{stamp_url(checkpoint)}")


def _pybabel(*args: str) -> None:
    # Paths in babel.cfg are relative to the project root.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("extract")
def translate_extract():
    """Extract messages from the code and templates into messages.pot."""
    _pybabel(
        *("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_ngettext:1,2"),
        *("--no-location", "--sort-output", "-o", POT, "."),
    )


@translate.command("update")
def translate_update():
    """Extract, then merge new messages into every catalog in translations/."""
    translate_extract.callback()
    _pybabel("update", "-i", POT, "-d", TRANSLATIONS, "--no-fuzzy-matching", "--ignore-obsolete")
    os.remove(POT)
    _fill_source_language(os.path.join(TRANSLATIONS, "en", "LC_MESSAGES", "messages.po"))
    click.echo("Now translate the empty entries of every catalog but English's.")


@translate.command("init")
@click.argument("code")
def translate_init(code):
    """Start the catalog of a new language (a Babel locale code: vi, th, pt_BR, zh_Hant)."""
    from babel import Locale, UnknownLocaleError

    try:
        code = str(Locale.parse(code))
    except (ValueError, UnknownLocaleError) as error:
        raise click.BadParameter(str(error), param_hint="CODE") from None
    if os.path.exists(os.path.join(TRANSLATIONS, code, "LC_MESSAGES", "messages.po")):
        raise click.ClickException(f"translations/{code} exists: use translate update.")
    translate_extract.callback()
    _pybabel("init", "-i", POT, "-d", TRANSLATIONS, "-l", code)
    os.remove(POT)
    click.echo(
        f"Now translate translations/{code}/LC_MESSAGES/messages.po and add {code!r} to "
        "RALLY_LANGUAGES (rally/config.py or the environment)."
    )


def _fill_source_language(path: str) -> None:
    """The English catalog repeats the msgids: the source strings are written in English."""
    from babel.messages.pofile import read_po, write_po

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not any(message.string if message.pluralizable else [message.string]):
            message.string = message.id
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100)


@translate.command("compile")
def translate_compile():
    """Compile the catalogs into .mo files (not committed: built by set-up and tests)."""
    _pybabel("compile", "-d", TRANSLATIONS, "--statistics")


@lottery.command("verify")
@click.argument("source")
def lottery_verify(source):
    """Re-run a draw from its published data: a JSON file, or a lottery id in this database."""
    import json

    from .lottery import draw
    from .lottery.models import Lottery
    from .lottery.operations import published_data

    if source.isdigit():
        found = db.session.get(Lottery, int(source))
        if found is None:
            raise click.ClickException(f"No lottery {source}.")
        data = published_data(found)
    else:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
    problems = draw.verify(data)
    if problems:
        raise click.ClickException("NOT VERIFIED: " + "; ".join(problems))
    click.echo(
        f"Verified: the seed matches the commitment and {len(data['winners'])} winners "
        f"follow from {len(data['entries'])} entries: {' '.join(data['winners'])}"
    )


@events.command("remind")
def events_remind():
    """E-mail the residents registered for an event that starts within a day, once each:
    for a timer (every few minutes or hourly); running it again sends nothing twice. The
    mails go to the job queue, which sends them (and tries again if the server is away)."""
    from .database import take_write_lock
    from .jobs import site_request_context
    from .news.registrations import send_reminders

    # The mails hold the event's address: a request context at the site's own address.
    with site_request_context():
        take_write_lock()
        queued = send_reminders(utcnow())
        db.session.commit()  # claimed and queued together: never two reminders
    click.echo(f"Reminders queued: {queued}.")


@jobs.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once (threads).")
@click.option(
    "--scheduler-interval",
    default=1,
    show_default=True,
    help="Seconds between looks for jobs whose time has come (retries).",
)
def jobs_worker(workers: int, scheduler_interval: int):
    """Run queued jobs until stopped (Ctrl+C or SIGINT finishes the jobs under way, SIGTERM
    stops at once): as many worker processes as you like, on one machine with the
    default SQLite queue, on several with RALLY_REDIS_URL."""
    import logging

    from .jobs import huey

    if huey.immediate:
        raise click.ClickException(
            "RALLY_JOBS_IMMEDIATE is set: jobs run where they are queued, not in a worker."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", scheduler_interval=scheduler_interval
    )
    click.echo(f"Job worker: {workers} thread(s), queue {huey.storage.__class__.__name__}.")
    consumer.run()


@jobs.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Age in days of what goes (default RALLY_DELIVERY_KEEP_DAYS, else 90).",
)
def jobs_prune(days: int | None):
    """Delete deliveries sent more than DAYS ago and clear the texts of those that failed
    more than DAYS ago (a failed reset link must not linger); queued ones stay. The worker
    does this each night; running it again changes nothing more."""
    from .database import take_write_lock
    from .jobs.deliveries import KEEP_DAYS, prune_deliveries

    if days is None:
        days = int(current_app.config.get("RALLY_DELIVERY_KEEP_DAYS", KEEP_DAYS))
    take_write_lock()
    deleted, cleared = prune_deliveries(utcnow(), days)
    db.session.commit()
    click.echo(
        f"Deliveries older than {days} days: {deleted} sent deleted, {cleared} failed cleared."
    )


@handmedown.command("lapse")
def handmedown_lapse():
    """Return to the board the listings whose reservation the giver left unanswered for 3
    days, and tell the residents who reserved them: for a timer (hourly); running it again
    changes nothing. Pages already treat such a reservation as lapsed without it."""
    from .database import take_write_lock
    from .handmedown.operations import lapse_due

    take_write_lock()
    lapsed = lapse_due(utcnow())
    db.session.commit()
    click.echo(f"Reservations lapsed: {lapsed}.")
