"""``flask --app rally push ...``: the site's VAPID keys."""

import click
from flask import current_app
from flask.cli import AppGroup

from .keys import configured_keys, generate_key_pair, key_file, write_key_file

push = AppGroup("push", help="Web Push: the site's VAPID keys.")


@push.command("keys")
@click.option(
    "--force", is_flag=True, help="Replace an existing key (devices must subscribe again)."
)
@click.option(
    "--print",
    "print_only",
    is_flag=True,
    help="Print RALLY_VAPID_* lines for the environment or instance/config.py; write nothing.",
)
def push_keys(force: bool, print_only: bool):
    """Make the site's VAPID key pair: into instance/vapid_private_key, or printed."""
    pair = generate_key_pair()
    if print_only:
        click.echo(f'RALLY_VAPID_PRIVATE_KEY = "{pair.private_key}"')
        click.echo(f'RALLY_VAPID_PUBLIC_KEY = "{pair.public_key}"')
        return
    if current_app.config.get("RALLY_VAPID_PRIVATE_KEY") and not force:
        raise click.ClickException(
            "RALLY_VAPID_PRIVATE_KEY is set in the configuration: nothing written."
        )
    path = key_file()
    if not write_key_file(path, pair, force=force):
        existing = configured_keys()
        raise click.ClickException(
            f"A key exists in {path} (public key {existing.public_key}); "
            "--force replaces it, and every device must then turn notifications on again."
        )
    click.echo(f"VAPID key written to {path}.")
    click.echo(f"Public key: {pair.public_key}")


def ensure_keys() -> bool:
    """Make a key pair if the site has none (the demo); True when one was made."""
    if configured_keys() is not None:
        return False
    return write_key_file(key_file(), generate_key_pair())
