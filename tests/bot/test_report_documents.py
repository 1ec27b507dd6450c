"""Report files and pictures: the `.xlsx` opens with openpyxl with the expected rows (a name that
looks like a formula stays text), the charts are PNGs with a Description, in both languages."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from bot.documents.report_files import safe
from bot.documents.reports import Report, ReportKind, Request, build
from messages import Renderer
from tests.utils.competencies import assess, set_standard
from tests.utils.employees import make_employee, nip_for
from tests.utils.learning import learned
from tests.utils.office_time import WITA, wita
from tests.utils.png import SIGNATURE, png_text

POSITION = "Analis Kebijakan Ahli Muda"
RENDERER = Renderer(WITA)
REQUEST = Request(year=2026, target=20, now=wita(2026, 11, 30), timezone=WITA, budget=10_000_000)


async def office(session: AsyncSession) -> None:
    await set_standard(session, POSITION, {"Pelayanan Publik": 3})
    ani = await make_employee(session, nip=nip_for(1), name='=HYPERLINK("x")', phone="6281200001")
    budi = await make_employee(
        session, nip=nip_for(2), name="Budi", phone="6281200002", unit="Dinas Kesehatan"
    )
    await assess(session, ani, {"Pelayanan Publik": 1}, on=date(2026, 2, 1))
    await learned(session, budi, "Bimtek SKP", on=date(2026, 3, 2), jp=20)


def described(png: bytes) -> str:
    """The PNG's Description, written as tEXt (Latin-1) or, with other characters (≥), as iTXt."""
    assert png.startswith(SIGNATURE)
    found = png_text(png).get("Description")
    if found is not None:
        return found
    offset = len(SIGNATURE)
    while offset < len(png):
        length = int.from_bytes(png[offset : offset + 4], "big")
        body = png[offset + 8 : offset + 8 + length]
        if png[offset + 4 : offset + 8] == b"iTXt" and body.startswith(b"Description\0"):
            return body.split(b"\0", 4)[4].decode()
        offset += 12 + length
    raise AssertionError("no Description")


def sheets(report: Report) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(report.workbook))
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    }


async def test_the_jp_report_file_lists_units_and_asn_below_target_with_a_chart(
    session: AsyncSession,
) -> None:
    await office(session)

    report = await build(session, ReportKind.JP, REQUEST, renderer=RENDERER, lang="id")

    rows = sheets(report)
    assert rows["unit_kerja"][1:] == [
        ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", 1, 0, 0, 1, 0),
        ("Dinas Kesehatan", 1, 1, 0, 0, 100),
    ]
    assert rows["di_bawah_target"][1][1] == '\'=HYPERLINK("x")'  # text, not a formula
    assert report.chart is not None
    assert "Dinas Kesehatan: ≥ 20 JP 1" in described(report.chart)
    assert "1 dari 2 ASN mencapai 20 JP" in report.summary


async def test_gaps_needs_recap_and_events_open_with_their_rows(session: AsyncSession) -> None:
    await office(session)

    gaps = await build(session, ReportKind.GAPS, REQUEST, renderer=RENDERER, lang="en")
    needs = await build(session, ReportKind.NEEDS, REQUEST, renderer=RENDERER, lang="id")
    recap = await build(session, ReportKind.RECAP, REQUEST, renderer=RENDERER, lang="id")
    events = await build(session, ReportKind.EVENTS, REQUEST, renderer=RENDERER, lang="id")

    assert sheets(gaps)["gap_unit"][1:] == [
        ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Pelayanan Publik", 1, 2)
    ]
    assert gaps.chart is not None
    assert described(gaps.chart).endswith("Pelayanan Publik: 2")
    assert sheets(needs)["kebutuhan"][1:] == [(1, "Pelayanan Publik", 1, 2)]
    assert needs.chart is not None
    assert png_text(needs.chart)["Title"] == "Kompetensi menurut jumlah level kesenjangan"
    assert [row[1] for row in sheets(recap)["rekap_jp"][1:]] == ['\'=HYPERLINK("x")', "Budi"]  # by unit
    assert sheets(events)["acara"] == [sheets(events)["acara"][0]]
    assert "Belum ada kegiatan" in events.summary


def test_only_text_that_reads_as_a_formula_is_neutralised() -> None:
    assert [safe(v) for v in ("=1+1", "+62812", "-5", "@SUM", "Ani", 5, None)] == [
        "'=1+1", "'+62812", "'-5", "'@SUM", "Ani", 5, None,
    ]  # fmt: skip
