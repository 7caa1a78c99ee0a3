"""The Qt item models over a real review (the sample, analysed offline), checked by Qt's own
QAbstractItemModelTester through pytest-qt's ``qtmodeltester``, before and after changes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from aiprism_desktop.app.insights import activity_rows
from aiprism_desktop.app.session import ReviewSession
from aiprism_desktop.core.findings import Decision
from aiprism_desktop.ui.icons import icon
from aiprism_desktop.ui.models.findings_filter import FindingsFilterModel
from aiprism_desktop.ui.models.findings_model import FINDING_ID_ROLE, STATE_ROLE, FindingsModel
from aiprism_desktop.ui.models.sections_model import SECTION_ID_ROLE, SectionsModel
from aiprism_desktop.ui.models.table_model import ROW_ROLE, RowsModel
from tests.support.app_services import close, open_services
from tests.ui.conftest import SAMPLE, run


async def analysed(data_dir: Path) -> ReviewSession:
    services, _factory = await open_services(data_dir)
    session = await ReviewSession.open(services, SAMPLE, actor="dana")
    await session.analyze()
    return session


def test_models_pass_qt_model_tester_and_follow_the_review(
    qtbot: QtBot, qloop: object, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    session = run(qtbot, analysed(tmp_path / "data"))
    try:
        sections = SectionsModel(session.section_status, lambda _s: icon("check", "#000000"))
        sections.set_document(session.document)
        qtmodeltester.check(sections, force_py=False)
        top = [sections.index(r, 0).data(SECTION_ID_ROLE) for r in range(sections.rowCount())]
        nested = [
            sections.index(c, 0, sections.index(r, 0)).data(SECTION_ID_ROLE)
            for r in range(sections.rowCount())
            for c in range(sections.rowCount(sections.index(r, 0)))
        ]
        assert sorted(top + nested) == sorted(s.id for s in session.document.sections)
        assert sections.parent(QModelIndex()) == QModelIndex()
        first = session.document.sections[1].id
        assert sections.index_of(first).siblingAtColumn(1).data() == (
            session.section_status(first).short_label
        )

        findings = FindingsModel(lambda: session.state)
        proxy = FindingsFilterModel()
        proxy.setSourceModel(findings)
        findings.reload([(s.id, s.title) for s in session.document.sections])
        qtmodeltester.check(findings, force_py=False)
        qtmodeltester.check(proxy, force_py=False)
        total = findings.rowCount()
        assert total == len(session.state.finding_states()) > 10

        # Filter by risk and decision; sort by risk.
        high = sum(1 for s in session.state.finding_states() if s.finding.risk.value == "high")
        proxy.set_criteria(risk="high")
        assert proxy.rowCount() == high
        proxy.set_criteria(risk="")
        first_id = findings.index(0).data(FINDING_ID_ROLE)
        run(qtbot, session.accept(first_id))
        findings.update([first_id])
        proxy.set_criteria(decision="accepted")
        assert [proxy.index(r, 0).data(FINDING_ID_ROLE) for r in range(proxy.rowCount())] == [
            first_id
        ]
        proxy.set_criteria(decision="")
        proxy.set_sort("risk")
        risks = [proxy.index(r, 0).data(STATE_ROLE).finding.risk.value for r in range(total)]
        order = {"high": 0, "medium": 1, "low": 2}
        assert risks == sorted(risks, key=order.__getitem__)
        category = session.state.finding_states()[0].finding.category
        with_category = sum(
            1 for s in session.state.finding_states() if category in s.finding.category
        )
        proxy.set_criteria(text=category.upper())  # case-insensitive
        assert proxy.rowCount() >= with_category > 0
        assert proxy.rowCount() < total
        qtmodeltester.check(proxy, force_py=False)

        activity = RowsModel([("What", lambda r: r.what), ("Who", lambda r: r.actor)])
        activity.set_rows(activity_rows(session.state))
        qtmodeltester.check(activity, force_py=False)
        assert activity.index(0, 0).data() == "accepted"
        assert activity.index(0, 1).data(ROW_ROLE).actor == "dana"
        run(qtbot, session.reject(first_id, "dup"))
        activity.append_rows(activity_rows(session.state)[1:])
        assert activity.rowCount() == 2
        assert session.state.get(first_id).decision is Decision.REJECTED
        qtmodeltester.check(activity, force_py=False)
    finally:
        run(qtbot, close(session.services))
