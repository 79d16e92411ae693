"""Codecs for connectrpc that pass binary messages through unparsed.

A binary request (gRPC, gRPC-Web, Connect proto) is forwarded to the backend as
the bytes the client sent, and the backend's reply goes back as the bytes it
sent: the gateway never re-encodes what it does not need to read. Only Connect
JSON is transcoded, with the contract's message classes (google.protobuf's
JSON mapping), strictly: an unknown field is an error the client is told of,
not silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectrpc.code import Code
from connectrpc.errors import ConnectError
from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message


@dataclass(frozen=True, slots=True)
class Payload:
    """A message as bytes in the protobuf binary encoding, with its class for JSON."""

    data: bytes
    message_class: type[Message]


class PassThroughBinaryCodec:
    def name(self) -> str:
        return "proto"

    def encode(self, message: Payload | Message) -> bytes:
        if isinstance(message, Payload):
            return message.data
        return message.SerializeToString()

    def decode(self, data: bytes | bytearray, message_class: type[Message]) -> Payload:
        return Payload(bytes(data), message_class)


class TranscodingJsonCodec:
    def name(self) -> str:
        return "json"

    def encode(self, message: Payload | Message) -> bytes:
        if isinstance(message, Payload):
            message = message.message_class.FromString(message.data)
        return json_format.MessageToJson(message, indent=None).encode()

    def decode(self, data: bytes | bytearray, message_class: type[Message]) -> Payload:
        message = message_class()
        try:
            json_format.Parse(bytes(data) or b"{}", message)
        except (json_format.ParseError, DecodeError, UnicodeDecodeError) as error:
            raise ConnectError(
                Code.INVALID_ARGUMENT,
                f"the request is not a valid {message_class.DESCRIPTOR.full_name} in JSON: {error}",
            ) from None
        return Payload(message.SerializeToString(), message_class)
