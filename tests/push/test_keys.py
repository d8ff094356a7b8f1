"""`flask --app rally push keys`: the site's VAPID key pair, never overwritten by accident."""

import os
import stat

from rally.push.commands import ensure_keys
from rally.push.keys import KEY_FILE, check_key_pair, configured_keys, public_key_of


def in_tmp_instance(app, tmp_path):
    app.config["RALLY_VAPID_PRIVATE_KEY"] = ""
    app.config["RALLY_VAPID_KEY_FILE"] = str(tmp_path / KEY_FILE)
    return tmp_path / KEY_FILE


def test_the_command_writes_a_key_pair_into_the_instance_folder(app, runner, tmp_path):
    path = in_tmp_instance(app, tmp_path)

    result = runner.invoke(args=["push", "keys"])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with app.app_context():
        pair = configured_keys()
    check_key_pair(pair)
    assert f"Public key: {pair.public_key}" in result.output


def test_an_existing_key_is_kept_unless_forced(app, runner, tmp_path):
    path = in_tmp_instance(app, tmp_path)
    runner.invoke(args=["push", "keys"])
    first = path.read_text()

    again = runner.invoke(args=["push", "keys"])
    assert again.exit_code != 0 and "--force" in again.output
    assert path.read_text() == first

    forced = runner.invoke(args=["push", "keys", "--force"])
    assert forced.exit_code == 0
    assert path.read_text() != first


def test_print_shows_config_lines_and_writes_nothing(app, runner, tmp_path):
    path = in_tmp_instance(app, tmp_path)

    result = runner.invoke(args=["push", "keys", "--print"])

    assert result.exit_code == 0
    private = result.output.split('RALLY_VAPID_PRIVATE_KEY = "')[1].split('"')[0]
    public = result.output.split('RALLY_VAPID_PUBLIC_KEY = "')[1].split('"')[0]
    assert public_key_of(private) == public
    assert not path.exists()


def test_a_key_in_the_configuration_is_not_shadowed(app, runner, tmp_path, vapid):
    app.config["RALLY_VAPID_KEY_FILE"] = str(tmp_path / KEY_FILE)
    result = runner.invoke(args=["push", "keys"])
    assert result.exit_code != 0
    assert not (tmp_path / KEY_FILE).exists()


def test_the_demo_makes_keys_only_when_missing(app, tmp_path):
    path = in_tmp_instance(app, tmp_path)
    with app.app_context():
        assert ensure_keys() is True
        first = path.read_text()
        assert ensure_keys() is False
    assert path.read_text() == first
