"""The vendor→city delivery (yakuba.delivery): what the vendor writes, the city reads back as it
was; what is not a delivery for this city is refused with the file and line at fault."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba import delivery
from yakuba.delivery import DeliveryError

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
record = st.fixed_dictionaries({
    "receipt_number": st.text(alphabet="0123456789R-", min_size=1, max_size=12),
    "fields": st.dictionaries(st.sampled_from(["child_name", "address", "wish1", "phone"]), text),
    "page": text,
})


@given(st.lists(record, max_size=8), text)
def test_it_works(records, name):
    files = dict(delivery.files({"batch": "B-1", "name": name, "recipient": "city-kodomo"}, records))
    assert list(files) == [delivery.HEADER_FILE, delivery.RECORDS_FILE]
    read = delivery.read(files, recipient="city-kodomo")
    assert read.header["records"] == len(records)
    assert read.header["name"] == name
    assert [{k: v for k, v in r.items() if k != "format"} for r in read.records] == records


def test_it_writes_one_sorted_line_per_record():
    body, count = delivery.records_bytes([{"receipt_number": "2", "fields": {"b": "い", "a": "あ"}}])
    assert count == 1
    assert body == ('{"fields":{"a":"あ","b":"い"},"format":"yakuba-intake-delivery/1","receipt_number":"2"}\n'
                    ).encode("utf-8")


def _files(header=None, lines=None):
    header = header if header is not None else {"format": delivery.FORMAT, "recipient": "city", "records": 1}
    lines = lines if lines is not None else [{"format": delivery.FORMAT, "receipt_number": "1", "fields": {}}]
    return {delivery.HEADER_FILE: json.dumps(header).encode(),
            delivery.RECORDS_FILE: "".join(json.dumps(x) + "\n" for x in lines).encode()}


@pytest.mark.parametrize("contents, where, words", [
    ({delivery.RECORDS_FILE: b""}, "batch.json", "batch.json がありません"),
    (_files(header={"format": "other/9", "recipient": "city", "records": 1}), "batch.json", "未対応の形式"),
    (_files(header={"format": delivery.FORMAT, "recipient": "elsewhere", "records": 1}), "batch.json", "宛先"),
    (_files(header={"format": delivery.FORMAT, "recipient": "city", "records": 3}), "batch.json", "件数 3"),
    (_files(lines=[{"format": delivery.FORMAT, "fields": {}}]), "applications.jsonl:1", "1 行目"),
])
def test_it_refuses_what_is_not_a_delivery_for_this_city(contents, where, words):
    with pytest.raises(DeliveryError) as caught:
        delivery.read(contents, recipient="city")
    assert caught.value.where == where
    assert words in caught.value.message


def test_it_refuses_bytes_that_are_not_json():
    with pytest.raises(DeliveryError, match="JSON として読めません"):
        delivery.read({delivery.HEADER_FILE: b"\xff{", delivery.RECORDS_FILE: b""}, recipient="city")
