"""The signed file of a disclosure (提供ファイル): XML an agency reads, with the centre's signature.

Pure Python (no Django). The body — which disclosure, from whom to whom, on which basis, the chosen
fields only — is canonical JSON, signed with the installation's Ed25519 key (the key that signs the
hand-over packages), and carried base64 in ``<signed-body>`` beside the same fields written out for
a reader. ``verify`` checks the signature and that the readable fields say what the body says;
the export step's watermark comment after the XML declaration is outside both.
"""

from __future__ import annotations

from yakuba.errors import YakubaError

import base64
import json
from typing import Any
from xml.etree import ElementTree as ET

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yakuba.privacy._common import canonical_json, load_public_key, public_key_id

NS = "urn:yakuba:consult:disclosure:1"


class BadDisclosureFile(YakubaError):
    """The file is not a signed disclosure, its signature fails, or its fields were changed."""


def build(body: dict[str, Any], labels: dict[str, str], key: Ed25519PrivateKey) -> bytes:
    """`body` holds ids, codes and `fields` (key → value); `labels` names each field for the reader."""
    raw = canonical_json(body)
    root = ET.Element("disclosure", {"xmlns": NS, "id": str(body["disclosure"])})
    for name in ("case", "sender", "recipient", "basis", "legal_basis", "created_at"):
        ET.SubElement(root, name).text = str(body.get(name, ""))
    fields = ET.SubElement(root, "fields")
    for k, v in body["fields"].items():
        ET.SubElement(fields, "field", {"key": k, "label": labels.get(k, k)}).text = str(v)
    ET.SubElement(root, "signed-body", {"encoding": "base64"}).text = base64.b64encode(raw).decode("ascii")
    ET.SubElement(root, "signature", {"alg": "ed25519", "key-id": public_key_id(key.public_key())}).text = \
        base64.b64encode(key.sign(raw)).decode("ascii")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def verify(data: bytes, public_key: str) -> dict[str, Any]:
    """The signed body, when the signature holds and the readable fields match it."""
    try:
        root = ET.fromstring(data)
        raw = base64.b64decode(root.findtext(f"{{{NS}}}signed-body") or "", validate=True)
        signature = base64.b64decode(root.findtext(f"{{{NS}}}signature") or "", validate=True)
        load_public_key(public_key).verify(signature, raw)
        body = json.loads(raw)
    except (ET.ParseError, ValueError, InvalidSignature) as exc:
        raise BadDisclosureFile("署名を確認できません(提供ファイルではないか、改ざんされています)。") from exc
    shown = {f.get("key"): f.text or "" for f in root.iter(f"{{{NS}}}field")}
    if shown != {k: str(v) for k, v in body["fields"].items()}:
        raise BadDisclosureFile("提供ファイルの項目が署名された内容と一致しません。")
    return body
