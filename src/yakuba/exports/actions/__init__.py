"""The one export step: request → (approval by a second person) → one download, each step audited.

- ``approval``: ask for an export (bulk personal data waits), approve or reject it.
- ``download``: the requester's one download of an approved export.

``check_…`` validates and changes nothing; ``do_…`` changes and writes the audit entry. A refusal
is a ``yakuba.exports.errors.ExportRefused`` with a Japanese message.
"""
