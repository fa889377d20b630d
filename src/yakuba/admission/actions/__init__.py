"""What staff of the 子ども家庭課 do in the 利用調整, one module per family of actions.

- `deliveries`: accept the vendor's delivery package (or refuse it, audited);
- `applications`: match residents, enter an application by hand, correct it, confirm a match;
- `income`: import 所得割額 from the tax system's CSV;
- `rounds`: create a round, check it is ready, start it, approve it (two people), the second round;
- `computing`: compute a round with the engine, and the what-if (試算) that saves nothing;
- `notices`: 承諾通知・保留通知, the results CSV, the guardians' answers.

`check_…` validates and checks access, changing nothing; `do_…` changes and writes the audit
entry. Both raise `yakuba.admission.errors.AdmissionError` with a Japanese message. Views, the job,
the demo and the tests call these; none of them decides anything itself.
"""
