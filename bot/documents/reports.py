"""One report, whole: the summary text, the chart picture where one reads faster than a table,
and the `.xlsx` with the rows behind it — built the same way for the chat (`/laporan`) and the
command line (`asn-bot report`), so both show the same figures. No Telegram imports."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.documents import report_charts, report_files
from db import reports
from db.planning import Invitation, budget_plan
from messages import Renderer

#: Lines of a list shown in the summary; the rest are in the file.
SHOWN = 10


class ReportKind(enum.StrEnum):
    """The reports, by the word the command line takes."""

    JP = "jp"
    GAPS = "gaps"
    EVENTS = "events"
    RECAP = "rekap"
    NEEDS = "needs"
    PLAN = "plan"


@dataclass(frozen=True, slots=True)
class Report:
    """What a report sends: the summary (Telegram HTML), a chart (PNG) or None, and the file."""

    summary: str
    chart: bytes | None
    workbook: bytes
    filename: str
    #: a plan's participants per upcoming event it funds, to invite in one announcement each
    invitations: tuple[Invitation, ...] = ()


@dataclass(frozen=True, slots=True)
class Request:
    """What a report is asked for: the office year, the JP target, now, and a plan's budget."""

    year: int
    target: int
    now: datetime
    timezone: ZoneInfo
    budget: int = 0


@dataclass(frozen=True, slots=True)
class _Job:
    session: AsyncSession
    request: Request
    renderer: Renderer
    lang: str

    def label(self, key: str, **values: object) -> str:
        return self.renderer.label(key, self.lang, **values)

    def render(self, template: str, **values: object) -> str:
        return self.renderer.render(template, self.lang, limit=SHOWN, **values)


async def build(
    session: AsyncSession, kind: ReportKind, request: Request, *, renderer: Renderer, lang: str
) -> Report:
    """The report of that kind (charts are drawn in a worker thread, off the event loop)."""
    return await _BUILDERS[kind](_Job(session, request, renderer, lang))


async def _jp(job: _Job) -> Report:
    year, target = job.request.year, job.request.target
    jp = await reports.jp_compliance(job.session, year=year, target=target)
    labels = [job.label(f"report.chart.{key}", target=target) for key in ("reached", "below", "none")]
    title = job.label("report.chart.jp", year=year)
    chart = await asyncio.to_thread(report_charts.jp_chart, jp, title=title, labels=labels)
    return Report(
        job.render("report_jp", report=jp), chart, report_files.jp_xlsx(jp), f"kepatuhan-jp-{year}.xlsx"
    )


async def _gaps(job: _Job) -> Report:
    gaps = await reports.gap_report(job.session)
    chart = await asyncio.to_thread(
        report_charts.gap_heatmap,
        gaps,
        title=job.label("report.chart.gaps"),
        scale_label=job.label("report.chart.levels"),
    )
    summary = job.render(
        "report_gaps",
        report=gaps,
        asn=await reports.employees_with_gaps(job.session),
        levels=sum(cell.levels for cell in gaps.cells),
    )
    return Report(summary, chart if gaps.cells else None, report_files.gaps_xlsx(gaps), "gap-kompetensi.xlsx")


async def _events(job: _Job) -> Report:
    request = job.request
    found = await reports.events_report(
        job.session, year=request.year, now=request.now, timezone=request.timezone
    )
    summary = job.render("report_events", report=found)
    return Report(summary, None, report_files.events_xlsx(found), f"kegiatan-{request.year}.xlsx")


async def _recap(job: _Job) -> Report:
    year = job.request.year
    lines = await reports.jp_recap(job.session, year=year)
    entries = [line for line in lines if line.title is not None]
    summary = job.render(
        "report_recap",
        year=year,
        asn=len({line.nip for line in lines}),
        entries=len(entries),
        jp=sum(line.jp for line in entries),
    )
    return Report(summary, None, report_files.recap_xlsx(lines), f"rekap-jp-{year}.xlsx")


async def _needs(job: _Job) -> Report:
    needs = await reports.needs_analysis(job.session)
    chart = await asyncio.to_thread(
        report_charts.needs_chart,
        needs,
        title=job.label("report.chart.needs"),
        label=job.label("report.chart.levels"),
    )
    summary = job.render("report_needs", needs=needs)
    return Report(
        summary, chart if needs else None, report_files.needs_xlsx(needs), "analisis-kebutuhan.xlsx"
    )


async def _plan(job: _Job) -> Report:
    request = job.request
    plan = await budget_plan(
        job.session, budget=request.budget, year=request.year, target=request.target, now=request.now
    )
    summary = job.render("report_plan", plan=plan)
    workbook = report_files.plan_xlsx(plan)
    return Report(summary, None, workbook, f"rencana-anggaran-{request.year}.xlsx", tuple(plan.invitations()))


_BUILDERS: dict[ReportKind, Callable[[_Job], Awaitable[Report]]] = {
    ReportKind.JP: _jp,
    ReportKind.GAPS: _gaps,
    ReportKind.EVENTS: _events,
    ReportKind.RECAP: _recap,
    ReportKind.NEEDS: _needs,
    ReportKind.PLAN: _plan,
}
