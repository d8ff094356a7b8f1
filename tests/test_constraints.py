"""constraints.txt pins what setup.cfg asks for, and the environment runs those pins.

A dependency added to setup.cfg without a pin would install whatever is newest on a fresh
clone; a package upgraded in .venv without writing the file again would make the suite
pass here with versions CI never installs.
"""

import configparser
import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def normalise(name: str) -> str:
    """PEP 503: names compare lower-case, with runs of -, _ and . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[normalise(name)] = version
    return found


def required_names() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    lines = config["options"]["install_requires"].splitlines()
    for extra in config["options.extras_require"].values():
        lines += extra.splitlines()
    return {normalise(re.split(r"[\[<>=!~ ;]", line.strip())[0]) for line in lines if line.strip()}


def test_every_requirement_of_setup_cfg_is_pinned():
    pinned = pins()
    assert "flask" in pinned and "pytest" in pinned  # the file was read
    assert sorted(required_names() - pinned.keys()) == []


def test_the_installed_packages_are_the_pinned_versions():
    installed = {
        normalise(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    differ = {
        name: (version, installed[name])
        for name, version in pins().items()
        if name in installed and installed[name] != version
    }
    assert differ == {}
