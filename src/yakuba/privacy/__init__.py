"""The privacy core (個人情報保護コア): pure Python, never imports Django.

- ``keys``        — the installation's keyring: master keys (wrap/unwrap/rotate), signing key,
                    age identity, audit key; backup and restore.
- ``envelope``    — per-object streaming encryption of stored files.
- ``erasure``     — erasure (crypto erase + deletion) and signed certificates (NIST SP 800-88).
- ``package``     — signed, encrypted hand-over packages between organisations, on paths,
                    bytes or streams.
- ``audit_chain`` — the hash chain of the audit log.
- ``errors``      — the core's exceptions, each with a Japanese message and a CLI exit code.
- ``declarations``, ``masking`` — declared personal data and masking by role.
"""

from yakuba.privacy.audit_chain import GENESIS, ChainEntry, ChainVerdict, entry_hash, verify_chain
from yakuba.privacy.envelope import (
    EnvelopeInfo,
    decrypt_file,
    decrypt_stream,
    encrypt_file,
    encrypt_stream,
    new_data_key,
)
from yakuba.privacy.erasure import (
    Certificate,
    ErasedItem,
    erase_file,
    issue_certificate,
    verify_certificate,
)
from yakuba.privacy.errors import (
    CertificateError,
    DecryptionError,
    KeyringError,
    PrivacyError,
    ReplayError,
    TamperedError,
    WrongRecipientError,
)
from yakuba.privacy.keys import Keyring, RotationResult, load_public_key
from yakuba.privacy.package import (
    Ledger,
    Manifest,
    MemoryLedger,
    PackageFile,
    create_package,
    open_package,
    open_package_to_memory,
    read_package,
    verify_package,
)

__all__ = [
    "GENESIS",
    "ChainEntry",
    "ChainVerdict",
    "entry_hash",
    "verify_chain",
    "EnvelopeInfo",
    "decrypt_file",
    "decrypt_stream",
    "encrypt_file",
    "encrypt_stream",
    "new_data_key",
    "Certificate",
    "ErasedItem",
    "erase_file",
    "issue_certificate",
    "verify_certificate",
    "CertificateError",
    "DecryptionError",
    "KeyringError",
    "PrivacyError",
    "ReplayError",
    "TamperedError",
    "WrongRecipientError",
    "Keyring",
    "RotationResult",
    "load_public_key",
    "Ledger",
    "Manifest",
    "MemoryLedger",
    "PackageFile",
    "create_package",
    "open_package",
    "open_package_to_memory",
    "read_package",
    "verify_package",
]
