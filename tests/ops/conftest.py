"""A local S3-compatible server (moto's server mode) on a free loopback port, started once
for the test session, and apps whose uploads go to a bucket of their own on it."""

import os
import socket
import uuid

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The endpoint URL of a moto S3 server on loopback, with throw-away credentials."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_ACCESS_KEY_ID"] = "rally-test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "rally-test-secret"
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def use_bucket(app, endpoint: str) -> str:
    """Point ``app``'s uploads at a new, empty bucket on the test server; return its name."""
    import boto3

    bucket = f"rally-test-{uuid.uuid4().hex}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    app.config.update(
        RALLY_STORAGE="s3",
        RALLY_S3_BUCKET=bucket,
        RALLY_S3_ENDPOINT_URL=endpoint,
        RALLY_S3_REGION="us-east-1",
    )
    return bucket


@pytest.fixture(params=["local", "s3"])
def backend(request, app):
    """Each storage test runs on the local folder and on the S3 server."""
    if request.param == "s3":
        use_bucket(app, request.getfixturevalue("s3_server"))
    return request.param
