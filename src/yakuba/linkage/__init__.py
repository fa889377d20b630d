"""情報連携 of 乳幼児健診: the pure core of the hub and the 中間サーバー. No Django.

- `yakuba.linkage.tlog` — the provision log: RFC 9162 Merkle tree, C2SP signed notes,
  checkpoints, cosignatures and tiles (`yakuba linkage log export`, `yakuba linkage verify`);
- `yakuba.linkage.pseudonym` — 符号 (情報提供用個人識別符号) per institution, derived with the hub's key;
- `yakuba.linkage.allowlist` — which 情報照会 are allowed (事務 × requester × provider × items), as data;
- `yakuba.linkage.query` — signed queries and answers (JWS, Ed25519), replay protection.

Every error is a `yakuba.linkage.errors.LinkageError` (one line, Japanese first, then English).
"""
