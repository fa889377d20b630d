"""The steps of a case: ``check_*`` says whether a step may be done (raises ConsultError),
``do_*`` validates, does it and writes the audit entry in the same transaction."""
