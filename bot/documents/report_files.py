"""HR's reports as `.xlsx` workbooks: the rows behind each summary and chart. Column names are
fixed and lowercase like the import columns, so a script can rely on them. A text cell that
starts with `=`, `+`, `-` or `@` is written as text (a leading apostrophe's effect), never as a
formula: names and comments come from people, and a spreadsheet must not run them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook

from db.planning import Plan
from db.reports import EventsReport, GapReport, JpCompliance, Need, RecapLine

Cell = str | int | float | date | None
Sheet = tuple[str, Sequence[str], Sequence[Sequence[Cell]]]
FORMULA_STARTS = ("=", "+", "-", "@")


def safe(value: Cell) -> Cell:
    """A cell as written to the sheet; text that a spreadsheet would read as a formula is kept text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An `.xlsx` with one sheet per (title, header, rows), header row frozen."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([safe(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def jp_xlsx(report: JpCompliance) -> bytes:
    """Per unit the counts and share; the ASN below target with their JP."""
    units = [(u.unit, u.employees, u.reached, u.below, u.none, round(u.share * 100, 1)) for u in report.units]
    below = [(b.nip, b.name, b.unit, b.position, b.jp, b.missing) for b in report.below]
    return workbook(
        [
            (
                "unit_kerja",
                ("unit_kerja", "asn", "capai_target", "di_bawah", "tanpa_jp", "persen_capai"),
                units,
            ),
            ("di_bawah_target", ("nip", "nama", "unit_kerja", "jabatan", "jp", "kurang_jp"), below),
        ]
    )


def recap_xlsx(lines: Sequence[RecapLine]) -> bytes:
    """Every learning entry per ASN (an ASN without any: one row with 0 JP)."""
    rows = [
        (line.nip, line.name, line.unit, line.title or "", line.completed_on, line.jp, _source(line))
        for line in lines
    ]
    return workbook(
        [("rekap_jp", ("nip", "nama", "unit_kerja", "kegiatan", "tanggal", "jp", "sumber"), rows)]
    )


def _source(line: RecapLine) -> str:
    if line.title is None:
        return ""
    return f"acara {line.event_code}" if line.event_code else "riwayat"


def gaps_xlsx(report: GapReport) -> bytes:
    """The matrix as rows (unit, competency, ASN, levels) and the leaders per competency."""
    cells = [(c.unit, c.competency, c.employees, c.levels) for c in report.cells]
    leaders = [
        (g.competency, g.nip, g.name, g.unit, g.position, g.required, g.assessed, g.gap)
        for g in report.leaders
    ]
    return workbook(
        [
            ("gap_unit", ("unit_kerja", "kompetensi", "asn_kurang", "jumlah_level"), cells),
            (
                "gap_terbesar",
                ("kompetensi", "nip", "nama", "unit_kerja", "jabatan", "standar", "asesmen", "gap"),
                leaders,
            ),
        ]
    )


def events_xlsx(report: EventsReport) -> bytes:
    """Per event its figures; the comments one per row."""
    events = [
        (
            e.code,
            e.title,
            e.quota,
            e.seats_taken,
            _percent(e.fill_rate),
            e.waitlisted,
            e.attended,
            _percent(e.attendance_rate),
            round(e.rating, 2) if e.rating is not None else None,
            e.ratings,
            "dibatalkan" if e.cancelled else "",
        )
        for e in report.events
    ]
    comments = [(e.code, comment) for e in report.events for comment in e.comments]
    header = (
        "kode", "judul", "kuota", "terisi", "persen_terisi", "daftar_tunggu",
        "hadir", "persen_hadir", "nilai_rata", "jumlah_nilai", "status",
    )  # fmt: skip
    return workbook([("acara", header, events), ("komentar", ("kode", "komentar"), comments)])


def _percent(rate: float | None) -> float | None:
    return round(rate * 100, 1) if rate is not None else None


def needs_xlsx(needs: Sequence[Need]) -> bytes:
    """Competencies by total gap; ASN per unit and per position who need each."""
    ranked = [(rank, n.competency, n.employees, n.levels) for rank, n in enumerate(needs, start=1)]
    units = [(n.competency, unit, count) for n in needs for unit, count in n.by_unit]
    positions = [(n.competency, position, count) for n in needs for position, count in n.by_position]
    return workbook(
        [
            ("kebutuhan", ("peringkat", "kompetensi", "asn_kurang", "jumlah_level"), ranked),
            ("per_unit", ("kompetensi", "unit_kerja", "asn"), units),
            ("per_jabatan", ("kompetensi", "jabatan", "asn"), positions),
        ]
    )


def plan_xlsx(plan: Plan) -> bytes:
    """What to fund, who to send, and what the budget leaves uncovered."""
    funded = [
        (
            f.candidate.title,
            "program" if f.candidate.kind == "programme" else "acara",
            f.batches,
            f.seats,
            f.cost,
            f.gap_levels,
            f.reached,
            round(f.levels_per_million, 3),
        )
        for f in plan.funded
    ]
    people = [
        (p.nip, p.name, p.unit, p.title, p.gap_levels, p.jp, "ya" if p.reaches_target else "tidak")
        for p in plan.participants
    ]
    summary = [
        ("anggaran", plan.budget),
        ("biaya", plan.cost),
        ("sisa_anggaran", plan.budget - plan.cost),
        ("gap_ditangani", plan.gap_addressed),
        ("gap_belum_tertangani", plan.gap_uncovered),
        ("asn_capai_target", plan.reached),
        ("asn_masih_di_bawah_target", plan.still_below),
    ]
    return workbook(
        [
            (
                "didanai",
                (
                    "judul",
                    "jenis",
                    "angkatan",
                    "kursi",
                    "biaya",
                    "gap_level",
                    "capai_target",
                    "level_per_juta",
                ),
                funded,
            ),
            (
                "peserta",
                ("nip", "nama", "unit_kerja", "pelatihan", "gap_level", "jp_tahun_ini", "capai_target"),
                people,
            ),
            ("ringkasan", ("ukuran", "nilai"), summary),
        ]
    )
