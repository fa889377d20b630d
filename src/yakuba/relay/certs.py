"""A private PKI for the relay: a CA, the server certificate, one client certificate per sender.

Keys are ECDSA P-256, written with mode 0600; certificates are PEM. The server certificate names
`localhost`, `127.0.0.1` and `::1` (subjectAltName) and is for serverAuth only; client
certificates are for clientAuth only and carry the sender's name as their CN, which is the
identity the relay uses. Calling `make_pki` again on the same folder keeps the CA and the
existing certificates and only adds missing clients. Pure: no Django.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from yakuba.files import write_bytes_atomic
from yakuba.relay.errors import RelayError
from yakuba.relay.media import refuse_removable

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CA_DAYS, LEAF_DAYS = 3650, 825


@dataclass(frozen=True)
class Pki:
    """The files of a PKI folder made by `make_pki`."""

    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"

    def client_cert(self, name: str) -> Path:
        return self.directory / f"client-{_checked(name)}.pem"

    def client_key(self, name: str) -> Path:
        return self.directory / f"client-{_checked(name)}.key"


def _checked(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise RelayError(f"クライアント名が不正です (invalid client name, use letters, digits, . _ -): {name!r}")
    return name


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "yakuba relay"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, days: int) -> x509.CertificateBuilder:
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))


def _leaf(path_cert: Path, path_key: Path, cn: str, usage: x509.ObjectIdentifier, ca_cert: x509.Certificate,
          ca_key: ec.EllipticCurvePrivateKey, san: list[x509.GeneralName] | None = None) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (_builder(_name(cn), ca_cert.subject, key, LEAF_DAYS)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=True, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    write_bytes_atomic(path_key, _key_pem(key), mode=0o600)
    write_bytes_atomic(path_cert, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def make_pki(directory: Path, *, clients: Sequence[str] = ("city",)) -> Pki:
    """Make (or complete) a PKI in `directory`: CA, server certificate, one certificate per client name."""
    directory = Path(directory)
    names = [_checked(n) for n in clients]
    refuse_removable(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pki = Pki(directory)
    if pki.ca.exists() and pki.ca_key.exists():
        ca_cert = x509.load_pem_x509_certificate(pki.ca.read_bytes())
        loaded = serialization.load_pem_private_key(pki.ca_key.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise RelayError(f"CA の鍵の形式が不正です (unexpected CA key type): {pki.ca_key}")
        ca_key = loaded
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        subject = _name("yakuba relay CA")
        ca_cert = (_builder(subject, subject, ca_key, CA_DAYS)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                   .sign(ca_key, hashes.SHA256()))
        write_bytes_atomic(pki.ca_key, _key_pem(ca_key), mode=0o600)
        write_bytes_atomic(pki.ca, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    if not (pki.server_cert.exists() and pki.server_key.exists()):
        san: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                       x509.IPAddress(ipaddress.ip_address("::1"))]
        _leaf(pki.server_cert, pki.server_key, "localhost", ExtendedKeyUsageOID.SERVER_AUTH, ca_cert, ca_key, san)
    for name in names:
        if not (pki.client_cert(name).exists() and pki.client_key(name).exists()):
            _leaf(pki.client_cert(name), pki.client_key(name), name, ExtendedKeyUsageOID.CLIENT_AUTH, ca_cert, ca_key)
    return pki
