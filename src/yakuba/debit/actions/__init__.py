"""What the water department does in the debit cycle, one module per family of actions:

- ``runs``: create a run (本振替) or a 再振替 of the code-1 items; the business-day rule.
- ``sending``: send a run's files through the relay; fetch the result files.
- ``reconciliation``: check each result against its request, then 消込 in one transaction.
- ``notices``: what follows a failure — the 不能通知 letters, the new 口座振替依頼書 queue,
  a payment at the counter, a mandate the city stops.
- ``pain008``: a run as one ISO 20022 pain.008 message.

``check_…`` validates and changes nothing; ``do_…`` changes and writes the audit entry (ids and
counts, never names). A refusal is a ``yakuba.debit.errors.DebitError`` with a Japanese message;
a failing step leaves nothing half-written.
"""
