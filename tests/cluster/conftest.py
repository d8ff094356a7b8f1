"""One cluster (tests/cluster/cluster.py) for the module, on a database of its own on the
PostgreSQL server of the suite's PostgreSQL pass (scripts/test); its logs are printed when a
test fails."""

import os

import pytest

from .cluster import Cluster, cluster_database, missing_binaries

POSTGRES_URL = os.environ.get("RALLY_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(os.path.abspath(__file__))
    reason = None
    if not POSTGRES_URL:
        reason = "two servers share a PostgreSQL database: runs in scripts/test's PostgreSQL pass"
    elif missing_binaries() and not os.environ.get("CI"):
        reason = f"not installed: {', '.join(missing_binaries())} (scripts/test installs it)"
    if reason:
        for item in items:
            if str(item.fspath).startswith(here):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="package")
def cluster():
    running = Cluster(cluster_database(POSTGRES_URL))
    try:
        running.start()
        yield running
    finally:
        running.stop()
        running.remove()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and "cluster" in item.fixturenames:
        running = item.funcargs.get("cluster")
        if running is not None:
            report.sections.append(("cluster logs", running.logs()))
    return report
