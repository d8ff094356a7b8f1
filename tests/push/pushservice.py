"""A push service on 127.0.0.1 for tests, speaking the protocol a real one speaks.

It plays what Mozilla's or Google's service does on receiving a message (RFC 8030): it checks
the VAPID ``Authorization`` header (RFC 8292: the JWT's ES256 signature verified with the
public key in ``k``, which must be the site's; ``aud`` is the endpoint's origin; ``exp``
within 24 hours) and then, playing the browser, decrypts the body (RFC 8291, ``aes128gcm``)
with the private key and auth secret the test made for the subscription. A request that
fails a check is answered 400/401/403 as a real service would, and recorded either way.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of a subscription: its key pair and auth secret, and what the
    push service should answer for it."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    answer: int = 201
    location: str = ""

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    problems: list[str] = field(default_factory=list)
    claims: dict | None = None
    plaintext: bytes | None = None


class PushService:
    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                answer, location = service.receive(self.path, dict(self.headers), body)
                self.send_response(answer)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def new_device(self, answer: int = 201) -> Device:
        device = Device(
            token=b64url(os.urandom(12)),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
            answer=answer,
        )
        self.devices[device.token] = device
        return device

    def endpoint(self, device: Device) -> str:
        return f"{self.origin}/push/{device.token}"

    def receive(self, path: str, headers: dict, body: bytes) -> tuple[int, str]:
        received = Received(path, {k.lower(): v for k, v in headers.items()}, body)
        self.received.append(received)
        device = self.devices.get(path.rsplit("/", 1)[-1])
        if device is None:
            return 404, ""
        status = self.check_vapid(received)
        if status is None:
            status = self.decrypt(received, device)
        if status is not None:
            return status, ""
        return device.answer, device.location

    def check_vapid(self, received: Received) -> int | None:
        """RFC 8292: ``Authorization: vapid t=<JWT>, k=<public key>``."""
        scheme, _, params = received.headers.get("authorization", "").partition(" ")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
            received.problems.append("no vapid authorization")
            return 401
        if parts["k"] != self.vapid_public_key:
            received.problems.append("not the site's public key")
            return 403
        header_b64, claims_b64, signature_b64 = parts["t"].split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            received.problems.append("alg is not ES256")
            return 401
        signature = unb64url(signature_b64)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), unb64url(parts["k"])
        )
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public_key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            received.problems.append("bad signature")
            return 403
        claims = json.loads(unb64url(claims_b64))
        received.claims = claims
        if claims.get("aud") != self.origin:
            received.problems.append(f"aud {claims.get('aud')!r} is not {self.origin}")
            return 403
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            received.problems.append("exp out of range")
            return 403
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            received.problems.append("no sub")
            return 403
        return None

    def decrypt(self, received: Received, device: Device) -> int | None:
        """RFC 8291 as the browser does it: ECDH with the sender's key (in the body's
        header), the auth secret, then AES-128-GCM records."""
        if received.headers.get("content-encoding") != "aes128gcm":
            received.problems.append("content-encoding is not aes128gcm")
            return 400
        if "ttl" not in received.headers:
            received.problems.append("no TTL")
            return 400
        try:
            received.plaintext = http_ece.decrypt(
                received.body,
                private_key=device.private_key,
                auth_secret=device.auth_secret,
                version="aes128gcm",
            )
        except Exception as error:  # any decryption failure is the sender's
            received.problems.append(f"cannot decrypt: {error!r}")
            return 400
        return None
