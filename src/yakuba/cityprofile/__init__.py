"""The city profile (市の設定): the city's data as configuration, not the demo's constants.

A folder of TOML/CSV files named by one setting, ``YAKUBA_CITY_PROFILE`` (`where`), read and checked
by `load` (every problem located: file, row, field), reached by the apps through one accessor,
`yakuba.cityprofile.load.current()`. The format: ``docs/city-profile.md``. Pure: no Django.

This package's ``__init__`` imports nothing: `where` is imported by the cores that read a file
of the profile (the OCR thresholds, the masking policy) and must not pull in the loader, which
imports those cores to check the profile's files.
"""
