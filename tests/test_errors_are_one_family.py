"""Every error a person can cause is a YakubaError: one family, told once by the command and once
by the web. An exception class of src/yakuba that is not in it must say here why it is a bug or
an internal signal instead."""

import ast

from tests.structure.graph import modules

#: Exceptions that never reach a person as such: internal signals caught where they are raised.
INTERNAL = {
    "yakuba.allocation.brute.TooLarge": "the brute-force reference refuses an instance it cannot enumerate (tests only)",
    "yakuba.allocation.rules.AgeClassError": "caught by the caller, which reports the child as a located problem",
    "yakuba.allocation.prune.NoStableAllocation": "the engine's signal that pruning proved no stable allocation exists",
    "yakuba.relay.client._Dropped": "a dropped connection inside the client's resumable upload; retried",
    "yakuba.relay.app.Refusal": "the relay server's answer (HTTP status, code) to a client, not a person",
    "yakuba.relay.app._Interrupted": "the relay's signal that a client went away mid-body; logged, connection closed",
    "yakuba.relay.store.OffsetMismatch": "the store's signal that the server answers 409 with the right offset",
    "yakuba.officehours.CalendarError": "caught by the city profile loader, which reports it as a located problem line",
    "yakuba.consult.ranges.Unsatisfiable": "the range parser's signal that the view answers 416 (Content-Range: bytes */size)",
}


def _looks_like_exception(base: ast.expr) -> bool:
    text = ast.unparse(base)
    return text.endswith(("Error", "Exception", "Refused", "Configured", "Erased", "Invalid"))


def _error_classes():
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(_looks_like_exception(b) for b in node.bases):
                yield f"{name}.{node.name}", name, node.name


def test_it_works():
    import importlib

    from yakuba.errors import YakubaError

    outside = []
    for dotted, module, cls in _error_classes():
        if dotted in INTERNAL:
            continue
        obj = getattr(importlib.import_module(module), cls)
        if isinstance(obj, type) and issubclass(obj, BaseException) and not issubclass(obj, YakubaError):
            outside.append(dotted)
    assert outside == []


def test_the_internal_ones_still_exist():
    found = {dotted for dotted, _, _ in _error_classes()}
    assert set(INTERNAL) <= found


def test_an_error_carries_message_where_and_exit_code():
    from yakuba.errors import YakubaError
    from yakuba.privacy.errors import ReplayError

    error = ReplayError(where="pkg-1")
    assert isinstance(error, YakubaError)
    assert (error.exit_code, error.where, error.message) == (7, "pkg-1", ReplayError.default_message)
    assert YakubaError("一行目\n二行目", detail="x").one_line() == "一行目 二行目 (x)"
