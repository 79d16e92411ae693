from __future__ import annotations

import base64
import datetime as dt

import pytest
from chassis.errors import InvalidArgument
from chassis.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageRequest,
    decode_page_token,
    encode_page_token,
    page_request,
    page_size,
)


def test_page_size_defaults_and_has_a_maximum():
    assert page_size(0) == DEFAULT_PAGE_SIZE == 50
    assert page_size(1) == 1
    assert page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE == 500
    with pytest.raises(InvalidArgument, match="page_size must be at most 500"):
        page_size(MAX_PAGE_SIZE + 1)
    with pytest.raises(InvalidArgument, match="must not be negative"):
        page_size(-1)


def test_a_token_round_trips_its_key_and_is_opaque_text():
    moment = dt.datetime(2026, 11, 3, 9, 30, 0, 123456, tzinfo=dt.UTC)
    key = ("Heron Primary", 42, moment, dt.date(2026, 9, 1))
    token = encode_page_token(key)
    assert token.isascii() and "=" not in token and "Heron" not in token
    assert decode_page_token(token, (str, int, dt.datetime, dt.date)) == key
    assert decode_page_token("", (str,)) is None
    unicode_key = ("Ysgol Gymraeg Ŵy", "id/with+chars")
    assert decode_page_token(encode_page_token(unicode_key), (str, str)) == unicode_key


@pytest.mark.parametrize(
    "token",
    [
        "not a token!",
        "%%%",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"v":2,"after":["a"]}').decode(),
        base64.urlsafe_b64encode(b'{"v":1,"after":"a"}').decode(),
        base64.urlsafe_b64encode(b'{"v":1,"after":[1]}').decode(),  # int where str is keyed
        base64.urlsafe_b64encode(b'{"v":1,"after":["a","b"]}').decode(),  # wrong length
        base64.urlsafe_b64encode(b"[" * 100_000).decode(),
        encode_page_token(("a",))[:-3],  # truncated
    ],
)
def test_a_malformed_token_is_invalid_argument(token):
    with pytest.raises(InvalidArgument, match=r"^page_token is not valid$"):
        decode_page_token(token, (str,))


def test_a_token_of_a_list_with_another_key_is_refused():
    token = encode_page_token(("2026/27", 1))
    with pytest.raises(InvalidArgument, match="page_token is not valid"):
        decode_page_token(token, (str, dt.datetime))
    with pytest.raises(InvalidArgument, match="page_token is not valid"):
        decode_page_token(base64.urlsafe_b64encode(b'{"v":1,"after":[true]}').decode(), (int,))
    with pytest.raises(InvalidArgument, match="page_token is not valid"):
        decode_page_token(encode_page_token(("2026-11-03T09:30:00",)), (dt.datetime,))


def test_paging_in_memory_returns_every_item_once_in_key_order():
    items = [("d", 4), ("a", 1), ("c", 3), ("e", 5), ("b", 2)]
    seen: list[tuple[str, int]] = []
    token = ""
    pages = 0
    while True:
        page = page_request(2, token, (str,))
        chunk, token = page.select(items, key=lambda item: (item[0],))
        seen.extend(chunk)
        pages += 1
        if not token:
            break
    assert seen == sorted(items)
    assert pages == 3


def test_an_exact_last_page_has_no_next_token():
    page = PageRequest(size=2, after=None)
    chunk, token = page.select([("a",), ("b",)], key=lambda item: item)
    assert chunk == [("a",), ("b",)] and token == ""
    assert page.cut([], key=lambda item: item) == ([], "")


def test_cut_takes_one_extra_item_as_the_sign_of_another_page():
    page = page_request(2, "", (int,))
    assert page.fetch == 3
    chunk, token = page.cut([1, 2, 3], key=lambda n: (n,))
    assert chunk == [1, 2]
    assert decode_page_token(token, (int,)) == (2,)
