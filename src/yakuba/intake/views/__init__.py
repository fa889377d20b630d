"""Screens of the vendor's intake, by family: records (``applications``), batches, pages, and the
verification of fields (``fields``). Thin: a form parses what was posted, an action
(``yakuba.intake.actions``) decides and changes, the view renders or redirects; a refused step is
shown by ``yakuba.web.user_errors``.

What an operator's browser receives never holds a personal field (氏名, フリガナ, 〒, 住所, 電話番号,
勤務先): not its value, not its image crop, not a whole page showing it (the operator's page image
has those fields painted over). The 責任者 (vendor_responsible) sees them. A field or image the
user may not receive is answered 403 (``FieldRefused``), one that is not there 404 (``ImageMissing``).
"""
