"""健康情報システム: 乳幼児健診 records of the 健康増進センター (issue #14 §1).

- models: `Child`, `Checkup` (the items of the three checkups; 健康 and 要配慮 declared);
- `growth` / `growth.toml`: the 乳幼児身体発育曲線 as data; `checks`: plausibility before a record is kept;
- `interview` / `interview.toml`: the 問診票 as data, with its 要配慮 items;
- `importer`: CSV from an existing system (UTF-8 or Shift_JIS, located errors); `actions`: what changes;
- screens for the health staff (role `health_staff`): children, entry, import, a child's page with growth charts.
"""
