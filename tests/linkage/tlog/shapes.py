"""What the proof tests share: a bit flipped, and the turns of RFC 9162's verification loops written
again here (independently of yakuba.linkage.tlog.proofs) to tell which proofs two shapes accept alike."""

from __future__ import annotations


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def walk(fn: int, sn: int, turns: int, left: str, right: str) -> list[str] | None:
    """The loop of §2.1.3.2 step 4 / §2.1.4.2 step 6 over ``turns`` proof nodes: `left` where the node
    is hashed in on the left, `right` otherwise; None where the loop would fail (too long, too short)."""
    out: list[str] = []
    for _ in range(turns):
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            out.append(left)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            out.append(right)
        fn, sn = fn >> 1, sn >> 1
    return out if sn == 0 else None
