"""基幹福祉相談センター: case records for multi-domain support (issue #13, first slice).

People, households, cases, intake, assessment, support plans, consultation records, closing; a
timeline per case and per person; the staff queue. Who sees what: `yakuba.consult.access`.
"""
