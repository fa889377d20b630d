"""Screens of the 利用調整 (子ども家庭課 only), by family: `rounds` (the round list, a round, its
steps and files), `deliveries` (the vendor's package, 所得割額), `applications` (list, entry by
hand, correction, matching) and `results` (one child's decision, letter and answer).

Thin: a view reads what was posted with a form (`yakuba.admission.forms` through
`yakuba.web.cleaned`), calls an action (`yakuba.admission.actions`), then renders or redirects.
A refusal is an `AdmissionError` (or the form's `FormInvalid`) that `yakuba.web.user_errors` shows
on the page the person came from; no view catches one itself.
"""
