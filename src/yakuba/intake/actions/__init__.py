"""What the vendor's people do in the intake, step by step; every step audited (ids and counts, never values).

    batch = upload.do_create_batch(vendor, "R8-第1便", [Upload(name, data), …], user)  # encrypted in the vault
    reading.do_start_reading(batch, user)        # background job → reading.do_read_batch(batch, user, progress)
    fv = verification.next_field(user)           # the operator's queue: no personal field ever
    verification.do_verify_field(fv, "5", user)  # a page with every field done → Application + 基準点
    review.do_confirm_application(app, user)     # the 責任者 confirms a 基準点 with problems
    delivery.do_export_batch(batch, user, "kodomo")      # signed, encrypted package for the city
    delivery.do_receive_receipt(batch, receipt, user)    # the city's receipt → scans erased, certificate kept

- ``upload`` — check the scanned files and store them as a batch;
- ``reading`` — start (or resume) the reading, and the background job's work;
- ``verification`` — the queues, opening a field or its image, confirming or correcting a value;
- ``review`` — the 責任者's decisions on a page or a record (confirm a 基準点, exclude a page);
- ``delivery`` — the package for the city, its download, the receipt and the erasure;
- ``records`` — what follows from them: a finished page becomes a record, a batch becomes ready.

``check_…`` validates input and access and changes nothing (a refusal of a personal field is
audited); ``do_…`` changes and writes the audit entry. Errors for the user are
``yakuba.intake.errors.IntakeError`` with one Japanese line; a failing step leaves nothing
half-written (files stored for a rolled-back step are removed again).
"""
