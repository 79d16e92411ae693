"""``trust-report``: the staff tool for the board's and finance's files.

    trust-report board-pack --trust T --year 2026/27 --term spring [--as-of 2027-03-20]
    trust-report finance-export --trust T --year 2026/27
    trust-report rebuild --feed academies=HOST:PORT ... [--schema S] [--resume]

Each command imports what it needs when it runs (charts and a browser for the
pack, the projections for the rebuild), so the tool starts quickly.

The board pack and the finance export are read from the reporting service over
gRPC (``--address`` or TRUST_REPORTING_ADDRESS) with the caller's own token
(``--token`` or TRUST_TOKEN): a user gets the files their role may read, no
more. The rebuild works on reporting's database (TRUST_DATABASE_URL) from the
services' feeds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import pathlib
from dataclasses import dataclass
from typing import Annotated

import grpc
import typer
import uvloop
from rich.console import Console
from trust.reporting.v1 import reporting_pb2 as pb
from trust.reporting.v1 import reporting_pb2_grpc

from reporting.adapters.timeline_store import LIVE_SCHEMA

app = typer.Typer(
    help="The board pack, the finance export and the rebuild of reporting's read models.",
    no_args_is_help=True,
)
console = Console(stderr=True)


@dataclass(frozen=True)
class Reporting:
    """Where the reporting service is and who is asking."""

    address: str
    token: str

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token}"),)

    async def board_pack(
        self, request: pb.GetBoardReportRequest, out: pathlib.Path
    ) -> tuple[pathlib.Path, pathlib.Path, pb.BoardReport]:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await make_board_pack(Stub(channel), self.metadata, request, out)

    async def finance_export(
        self, trust_id: str, academic_year: str, out: pathlib.Path
    ) -> list[pathlib.Path]:
        async with grpc.aio.insecure_channel(self.address) as channel:
            return await make_finance_export(
                Stub(channel), self.metadata, trust_id, academic_year, out
            )


def _reporting(address: str | None, token: str | None) -> Reporting:
    address = address or os.environ.get("TRUST_REPORTING_ADDRESS")
    token = token or os.environ.get("TRUST_TOKEN")
    if not address:
        raise typer.BadParameter("give --address or set TRUST_REPORTING_ADDRESS (host:port)")
    if not token:
        raise typer.BadParameter("give --token or set TRUST_TOKEN (your bearer token)")
    return Reporting(address, token)


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _refused(error: grpc.aio.AioRpcError) -> typer.Exit:
    console.print(f"[red]refused[/red] {error.code().name}: {error.details()}")
    return typer.Exit(code=2)


Stub = reporting_pb2_grpc.ReportingServiceStub
Metadata = tuple[tuple[str, str], ...]


async def make_board_pack(
    stub: Stub, metadata: Metadata, request: pb.GetBoardReportRequest, out: pathlib.Path
) -> tuple[pathlib.Path, pathlib.Path, pb.BoardReport]:
    """Reads the report and writes the pack (HTML and PDF); returns their paths."""
    report = await stub.GetBoardReport(request, metadata=metadata)
    from reporting.staff.board_pack import write_board_pack  # charts and a browser: only here

    html, pdf = await write_board_pack(report, out, _stamp())
    return html, pdf, report


async def make_finance_export(
    stub: Stub, metadata: Metadata, trust_id: str, academic_year: str, out: pathlib.Path
) -> list[pathlib.Path]:
    """Reads the ledger and writes its CSV files and workbook; returns their paths."""
    ledger = await stub.GetLedger(
        pb.GetLedgerRequest(trust_id=trust_id, academic_year=academic_year), metadata=metadata
    )
    from reporting.staff.finance_export import ledger_csv_files, ledger_xlsx

    files = dict(ledger_csv_files(ledger))
    stem = next(iter(files)).removesuffix(".csv").replace("ledger-", "finance-")
    files[f"{stem}.xlsx"] = ledger_xlsx(ledger, _stamp())
    return await asyncio.to_thread(_write_files, out, files)


def _write_files(out: pathlib.Path, files: dict[str, bytes]) -> list[pathlib.Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_bytes(content)
        written.append(path)
    return written


Trust = Annotated[str, typer.Option(help="the trust's id")]
Year = Annotated[str, typer.Option(help="academic year, e.g. 2026/27")]
Address = Annotated[str | None, typer.Option(help="reporting's host:port")]
Token = Annotated[str | None, typer.Option(help="your bearer token")]


@app.command("board-pack")
def board_pack(
    trust: Trust,
    year: Year,
    term: Annotated[str, typer.Option(help="autumn, spring or summer")],
    as_of: Annotated[str, typer.Option(help="ISO date: the report as it stood that day")] = "",
    out: Annotated[pathlib.Path, typer.Option(help="folder for the files")] = pathlib.Path(
        "board-packs"
    ),
    address: Address = None,
    token: Token = None,
) -> None:
    """The board's termly RAG report as an HTML page and a PDF, with charts."""
    reporting = _reporting(address, token)
    request = pb.GetBoardReportRequest(trust_id=trust, academic_year=year, term=term, as_of=as_of)
    with console.status("reading the report and printing the pack"):
        try:
            html, pdf, report = asyncio.run(reporting.board_pack(request, out))
        except grpc.aio.AioRpcError as error:
            raise _refused(error) from None
    console.print(
        f"board pack for {report.trust_name}, {report.term} {report.academic_year} as at "
        f"{report.as_of}: {len(report.academies)} academies"
    )
    typer.echo(html)
    typer.echo(pdf)


@app.command("finance-export")
def finance_export(
    trust: Trust,
    year: Year,
    out: Annotated[pathlib.Path, typer.Option(help="folder for the files")] = pathlib.Path(
        "finance"
    ),
    address: Address = None,
    token: Token = None,
) -> None:
    """The support budget ledger and its reconciliation as CSV and a workbook."""
    reporting = _reporting(address, token)
    with console.status("reading the ledger"):
        try:
            written = asyncio.run(reporting.finance_export(trust, year, out))
        except grpc.aio.AioRpcError as error:
            raise _refused(error) from None
    for path in written:
        typer.echo(path)


def _feeds(items: list[str]) -> dict[str, str]:
    feeds = {}
    for item in items:
        name, _, address = item.partition("=")
        if not name or not address:
            raise typer.BadParameter(f"--feed takes service=host:port, not {item!r}")
        feeds[name] = address
    return feeds


@app.command("rebuild")
def rebuild_models(
    feed: Annotated[
        list[str],
        typer.Option(help="a service's feed, service=host:port (once per service)"),
    ],
    schema: Annotated[
        str, typer.Option(help="a schema to write a copy into; the default is the live one")
    ] = LIVE_SCHEMA,
    resume: Annotated[bool, typer.Option(help="continue a copy after its checkpoints")] = False,
) -> None:
    """Rebuild every read model from the services' feeds, with a bar per feed.

    Into the live schema in one transaction (from scratch), or into a copy
    (--schema) checkpointed batch by batch, which --resume continues after an
    interruption. Reads reporting's database from TRUST_DATABASE_URL.
    """
    from reporting.application.rebuild import RebuildRefused
    from reporting.entrypoints.rebuild import run as rebuild_run

    feeds = _feeds(feed)
    try:
        count = uvloop.run(rebuild_run(feeds, schema, resume))  # as the service runs
    except RebuildRefused as refused:
        console.print(f"[red]rebuild refused[/red]: {refused}")
        raise typer.Exit(2) from None
    except grpc.aio.AioRpcError as error:
        raise _refused(error) from None
    typer.echo(f"rebuilt the read models in schema {schema} from {count} events")


if __name__ == "__main__":
    app()
