"""The consult app's exporters (imported by ``ConsultConfig.ready``)."""

from yakuba.consult import exporters_attachments  # noqa: F401  (a case's attachments: approved downloads)
