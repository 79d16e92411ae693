"""Hatch build hook: generate the gRPC/protobuf stubs from ../../proto.

The stubs are build output, never edited by hand and never committed: every
install (editable or wheel) runs grpcio-tools' protoc over proto/trust/**.
"""

from __future__ import annotations

import pathlib
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class GenerateStubs(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        import grpc_tools
        from grpc_tools import protoc

        root = pathlib.Path(self.root)
        proto_root = (root / ".." / ".." / "proto").resolve()
        out = root / "src"
        (out / "trust").mkdir(parents=True, exist_ok=True)
        protos = sorted(str(p.relative_to(proto_root)) for p in proto_root.rglob("*.proto"))
        if not protos:
            raise RuntimeError(f"no .proto files under {proto_root}")
        include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
        args = [
            "protoc",
            f"-I{proto_root}",
            f"-I{include}",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            *protos,
        ]
        if protoc.main(args) != 0:
            raise RuntimeError("protoc failed on " + ", ".join(protos))
        # Packages need __init__.py files so type checkers and importlib agree.
        for directory in {p.parent for p in out.rglob("*_pb2.py")}:
            while directory != out:
                (directory / "__init__.py").touch()
                directory = directory.parent
