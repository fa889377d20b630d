"""全銀 kind-91 (預金口座振替) files: a pure codec, kana helper, bank simulator and split/merge.

- `yakuba.zengin.model`: the content as frozen dataclasses (`ZenginFile`, `Batch`, `Header`, …).
- `yakuba.zengin.layout`: the record layouts and character sets, as data.
- `yakuba.zengin.codec`: `parse`, `build`, `check_stream`, `to_json`, `from_json`, `Writer`.
- `yakuba.zengin.kana`: `to_zengin` (free text → 全銀 half-width characters).
- `yakuba.zengin.banks`: bank/branch names from the `zengin-code` master.
- `yakuba.zengin.bank`: `simulate` (a bank that turns a request into a result file).
- `yakuba.zengin.split`: `split_by_bank`, `merge`.

The format, the choices made and the command-line contract (`yakuba zengin`, section 6) are
documented in `docs/formats/zengin.md`. Pure: no Django.
"""
