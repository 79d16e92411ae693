"""Binary passes through untouched; JSON is transcoded strictly."""

from __future__ import annotations

import pytest
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from gateway.adapters.codecs import PassThroughBinaryCodec, Payload, TranscodingJsonCodec
from trust.academies.v1 import academies_pb2 as pb


def test_binary_is_forwarded_as_sent() -> None:
    sent = pb.ListAcademiesRequest(trust_id="t1", page_size=5).SerializeToString()
    codec = PassThroughBinaryCodec()
    payload = codec.decode(sent, pb.ListAcademiesRequest)
    assert payload.data == sent
    assert codec.encode(payload) == sent


def test_json_becomes_the_same_binary_and_back() -> None:
    codec = TranscodingJsonCodec()
    payload = codec.decode(b'{"trustId": "t1", "pageSize": 5}', pb.ListAcademiesRequest)
    assert pb.ListAcademiesRequest.FromString(payload.data) == pb.ListAcademiesRequest(
        trust_id="t1", page_size=5
    )
    reply = pb.WhoAmIResponse(subject="s", trust_wide=True).SerializeToString()
    assert codec.encode(Payload(reply, pb.WhoAmIResponse)) == b'{"subject": "s", "trustWide": true}'


def test_an_empty_json_body_is_the_empty_message() -> None:
    assert TranscodingJsonCodec().decode(b"", pb.WhoAmIRequest).data == b""


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"trust_idd": "t1"}', 'no field named "trust_idd"'),
        (b'{"pageSize": "many"}', "pageSize"),
        (b"[1, 2]", "ListAcademiesRequest"),
        (b"\xff\xfe", "ListAcademiesRequest"),
    ],
)
def test_bad_json_is_an_invalid_argument_that_says_why(body: bytes, says: str) -> None:
    with pytest.raises(ConnectError) as refused:
        TranscodingJsonCodec().decode(body, pb.ListAcademiesRequest)
    assert refused.value.code is Code.INVALID_ARGUMENT
    assert says in refused.value.message
