"""Exports in a child process (the window's way): the same document as in a thread, errors that
come back as raised, a child that dies replaced, and the parsed document never pickled."""

from __future__ import annotations

import asyncio
import os
import pickle
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import pytest
from docx2python import docx2python

from aiprism_desktop.app.export_worker import ExportWorker
from aiprism_desktop.app.exporting import ChildSnapshot, export_review
from aiprism_desktop.app.services import AppServices
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.errors import ExportError
from aiprism_desktop.core.export.errors import ExportSourceChangedError
from tests.support.app_services import SAMPLE, close, open_services

T = TypeVar("T")


@pytest.fixture
async def worker() -> AsyncIterator[ExportWorker]:
    started = ExportWorker()
    yield started
    await started.aclose()


@pytest.fixture
async def reviewed(tmp_path: Path) -> AsyncIterator[ReviewSession]:
    """The sample (a copy we may change), analyzed offline, every finding accepted."""
    document = tmp_path / "report.docx"
    shutil.copyfile(SAMPLE, document)
    services, _factory = await open_services(tmp_path / "data")
    session = await ReviewSession.open(services, document, actor="dana")
    await session.analyze()
    await session.accept_all_pending()
    yield session
    await close(services)


def comments(path: Path) -> list[tuple[str, str, str]]:
    """(anchored text, author, comment) of each comment: all but the date, the time written."""
    with docx2python(path) as reread:
        return [(quote, author, text) for quote, author, _date, text in reread.comments]


async def test_the_child_writes_the_same_document_and_reports_as_a_thread(
    reviewed: ReviewSession, worker: ExportWorker, tmp_path: Path
) -> None:
    snapshot = reviewed.snapshot()
    by_thread = await export_review(
        snapshot, tmp_path / "thread.docx", reports=[tmp_path / "t.csv"]
    )
    by_child = await export_review(
        snapshot, tmp_path / "child.docx", reports=[tmp_path / "c.csv"], worker=worker
    )
    assert by_child.docx.comments_added == by_thread.docx.comments_added > 10
    assert comments(tmp_path / "child.docx") == comments(tmp_path / "thread.docx")
    assert by_child.reports == (tmp_path / "c.csv",)
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "t.csv").read_bytes()


async def test_the_window_exports_in_its_child_process(tmp_path: Path) -> None:
    worker = ExportWorker()
    jobs: list[str] = []
    run = worker.run

    async def recording_run(job: Callable[..., T], *args: object) -> T:
        jobs.append(job.__name__)
        return await run(job, *args)

    worker.run = recording_run  # type: ignore[method-assign]
    services = await AppServices.open(tmp_path / "data", export_worker=worker)
    try:
        session = await ReviewSession.open(services, SAMPLE)
        child = await run(os.getpid)
        assert child != os.getpid()
        await session.analyze()
        await session.accept_all_pending()
        result = await session.export(tmp_path / "out.docx")
        assert jobs == ["_write_export_in_child"]
        assert result.docx.comments_added == len(session.state.exported_findings()) > 10
        assert await run(os.getpid) == child  # the same child, kept for the next export
    finally:
        await services.close()
    assert worker._pool is None  # closed with the services


async def test_a_document_changed_on_disk_is_refused_from_the_child(
    reviewed: ReviewSession, worker: ExportWorker, tmp_path: Path
) -> None:
    snapshot = reviewed.snapshot()
    snapshot.document.path.write_bytes(SAMPLE.read_bytes() + b"\0")  # no longer what was read
    with pytest.raises(ExportSourceChangedError) as raised:
        await export_review(snapshot, tmp_path / "out.docx", worker=worker)
    assert raised.value.detail == str(snapshot.document.path)
    assert not (tmp_path / "out.docx").exists()


async def test_a_child_that_dies_is_reported_and_replaced(
    reviewed: ReviewSession, worker: ExportWorker, tmp_path: Path
) -> None:
    with pytest.raises(ExportError) as raised:
        await worker.run(os._exit, 3)
    assert raised.value.code == "EXPORT_ERROR"
    assert "helper process ended" in raised.value.message
    result = await export_review(reviewed.snapshot(), tmp_path / "out.docx", worker=worker)
    assert result.docx.comments_added > 10


def test_a_snapshot_crosses_without_its_parsed_document(reviewed: ReviewSession) -> None:
    snapshot = reviewed.snapshot()
    quoted = {state.finding.quote for state in snapshot.state.finding_states()}
    unquoted = next(
        block.text
        for section in snapshot.document.sections
        for block in section.blocks
        if len(block.text) > 60 and not any(block.text in quote for quote in quoted)
    )
    pickled = pickle.dumps(ChildSnapshot.of(snapshot))
    assert unquoted.encode() not in pickled
    again = pickle.loads(pickled)
    crossed = again.snapshot()
    assert crossed.document == snapshot.document  # read again from the file, field for field
    assert crossed.state.exported_findings() == snapshot.state.exported_findings()


def test_a_converted_document_crosses_whole(reviewed: ReviewSession) -> None:
    snapshot = reviewed.snapshot()
    converted = replace(snapshot, document=replace(snapshot.document, source_format="doc"))
    pickled = pickle.dumps(ChildSnapshot.of(converted))
    assert converted.document.sections[1].blocks[0].text.encode() in pickled
    assert pickle.loads(pickled).snapshot().document == converted.document  # not converted again


def _write_slowly(path: Path) -> str:
    time.sleep(0.3)
    path.write_text("written")
    return path.read_text()


async def test_closing_waits_for_a_running_export(worker: ExportWorker, tmp_path: Path) -> None:
    job = asyncio.ensure_future(worker.run(_write_slowly, tmp_path / "out.txt"))
    await asyncio.sleep(0.1)  # submitted: the child is starting or sleeping
    assert not job.done()
    await worker.aclose()
    assert await job == "written"
