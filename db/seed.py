"""The demo's sample data for Kota Kupang and Provinsi NTT: work units, ~50 invented ASN of every
position type, competency standards (PermenPANRB 38/2017), assessments with real gaps, this
year's JP history, and trainings and university seminars around `today`.

The roster, standards, assessments, history and events go through the import machinery, so the
sample obeys the same rules as HR's files and is upserted by the same natural keys; the few
registrations are inserted when missing. Seeding twice changes nothing, and everything follows
from `today` alone (no randomness, no clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.imports import ImportKind, import_rows
from db.models import Employee, Event, LearningRecord, Registration, RegistrationStatus

KOTA = "kupangkota.go.id"
PROVINSI = "nttprov.go.id"

# Work units (OPD) and the e-mail domain of the government they belong to.
UNITS: dict[str, str] = {
    "Sekretariat Daerah Kota Kupang": KOTA,
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Kupang": KOTA,
    "Dinas Kesehatan Kota Kupang": KOTA,
    "Dinas Kependudukan dan Pencatatan Sipil Kota Kupang": KOTA,
    "Badan Pengelolaan Keuangan dan Aset Daerah Kota Kupang": KOTA,
    "Badan Perencanaan Pembangunan Daerah Kota Kupang": KOTA,
    "RSUD S.K. Lerik Kota Kupang": KOTA,
    "Puskesmas Oesapa": KOTA,
    "Puskesmas Sikumana": KOTA,
    "Badan Kepegawaian Daerah Provinsi NTT": PROVINSI,
    "Badan Pengembangan Sumber Daya Manusia Provinsi NTT": PROVINSI,
    "Dinas Kesehatan Provinsi NTT": PROVINSI,
    "RSUD Prof. Dr. W. Z. Johannes Kupang": PROVINSI,
}

MANAGERIAL = (
    "Integritas",
    "Kerja Sama",
    "Komunikasi",
    "Orientasi pada Hasil",
    "Pelayanan Publik",
    "Pengembangan Diri dan Orang Lain",
    "Mengelola Perubahan",
    "Pengambilan Keputusan",
)
SOCIO_CULTURAL = "Perekat Bangsa"

KEUDA = "Pengelolaan Keuangan Daerah"
ANJAB = "Analisis Jabatan dan Beban Kerja"
SKP = "Penyusunan SKP"
KESMAS = "Pelayanan Kesehatan Masyarakat"
MASN = "Manajemen ASN"
DIGITAL = "Pemerintahan Digital"
PLANNING = "Perencanaan Pembangunan Daerah"
POLICY = "Analisis Kebijakan Publik"
ADMINDUK = "Administrasi Kependudukan"
SURVEILANS = "Surveilans Epidemiologi"
TECHNICAL = (KEUDA, ANJAB, SKP, KESMAS, MASN, DIGITAL, PLANNING, POLICY, ADMINDUK, SURVEILANS)

JPT, ADMINISTRATOR, PENGAWAS, PELAKSANA, FUNGSIONAL = (
    "JPT Pratama",
    "Administrator",
    "Pengawas",
    "Pelaksana",
    "Fungsional",
)

# The managerial (and socio-cultural) level a position requires, by position type; fungsional
# positions by their level (Ahli Madya 3, Ahli Muda 2, Ahli Pertama and the skilled levels 1).
REQUIRED_LEVEL = {"JPT Utama": 5, "JPT Madya": 5, JPT: 4, ADMINISTRATOR: 3, PENGAWAS: 2, PELAKSANA: 1}
FUNCTIONAL_LEVEL = {"Ahli Utama": 4, "Ahli Madya": 3, "Ahli Muda": 2, "Ahli Pertama": 1, "Penyelia": 2}


class PositionSample(NamedTuple):
    """A position: its type, and the technical competencies its standard requires (None: the
    position has no standard yet — the bot's empty state)."""

    position_type: str
    technical: tuple[tuple[str, int], ...] | None


POSITIONS: dict[str, PositionSample] = {
    "Sekretaris Daerah": PositionSample(JPT, ((PLANNING, 4), (POLICY, 4))),
    "Kepala Dinas Kesehatan": PositionSample(JPT, ((KESMAS, 4), (PLANNING, 3))),
    "Direktur RSUD": PositionSample(JPT, ((KESMAS, 4), (KEUDA, 3))),
    "Kepala Badan Kepegawaian dan Pengembangan SDM": PositionSample(JPT, ((MASN, 4), (ANJAB, 3))),
    "Kepala Badan Perencanaan Pembangunan Daerah": PositionSample(JPT, ((PLANNING, 4), (KEUDA, 3))),
    "Kepala Badan Kepegawaian Daerah": PositionSample(JPT, ((MASN, 4), (DIGITAL, 3))),
    "Kepala Badan Pengembangan Sumber Daya Manusia": PositionSample(JPT, ((MASN, 4), (SKP, 3))),
    "Sekretaris Dinas Kesehatan": PositionSample(ADMINISTRATOR, ((KEUDA, 3), (SKP, 3))),
    "Kepala Bidang Pelayanan Kesehatan": PositionSample(ADMINISTRATOR, ((KESMAS, 3), (DIGITAL, 2))),
    "Sekretaris Badan Kepegawaian": PositionSample(ADMINISTRATOR, ((MASN, 3), (SKP, 3))),
    "Kepala Bidang Pengembangan Kompetensi Aparatur": PositionSample(ADMINISTRATOR, ((MASN, 3), (ANJAB, 3))),
    "Kepala Bagian Organisasi": PositionSample(ADMINISTRATOR, ((ANJAB, 3), (POLICY, 3))),
    "Kepala Bidang Pelayanan Pendaftaran Penduduk": PositionSample(
        ADMINISTRATOR, ((ADMINDUK, 3), (DIGITAL, 3))
    ),
    "Kepala Bidang Akuntansi": PositionSample(ADMINISTRATOR, ((KEUDA, 3),)),
    "Kepala Bidang Mutasi dan Promosi": PositionSample(ADMINISTRATOR, ((MASN, 3), (ANJAB, 2))),
    "Kepala Bidang Pencegahan dan Pengendalian Penyakit": PositionSample(
        ADMINISTRATOR, ((KESMAS, 3), (SURVEILANS, 3))
    ),
    "Kepala Seksi Kesehatan Keluarga dan Gizi": PositionSample(PENGAWAS, ((KESMAS, 2),)),
    "Kepala Subbagian Umum dan Kepegawaian": PositionSample(PENGAWAS, ((MASN, 2), (SKP, 2))),
    "Kepala Subbagian Kelembagaan dan Analisis Jabatan": PositionSample(PENGAWAS, ((ANJAB, 3),)),
    "Kepala Seksi Identitas Penduduk": PositionSample(PENGAWAS, ((ADMINDUK, 2), (DIGITAL, 2))),
    "Kepala Subbidang Perbendaharaan": PositionSample(PENGAWAS, ((KEUDA, 2),)),
    "Kepala Subbidang Penyelenggaraan Pelatihan": PositionSample(PENGAWAS, ((MASN, 2), (SKP, 2))),
    "Pengadministrasi Perkantoran": PositionSample(PELAKSANA, ((SKP, 1),)),
    "Pengolah Data dan Informasi": PositionSample(PELAKSANA, ((DIGITAL, 2),)),
    "Penata Layanan Operasional": PositionSample(PELAKSANA, ((DIGITAL, 1), (SKP, 1))),
    "Pengadministrasi Keuangan": PositionSample(PELAKSANA, ((KEUDA, 1),)),
    "Operator Layanan Operasional": PositionSample(PELAKSANA, None),
    "Epidemiolog Kesehatan Ahli Muda": PositionSample(FUNGSIONAL, ((SURVEILANS, 3), (KESMAS, 2))),
    "Epidemiolog Kesehatan Ahli Pertama": PositionSample(FUNGSIONAL, ((SURVEILANS, 2),)),
    "Penyuluh Kesehatan Masyarakat Ahli Pertama": PositionSample(FUNGSIONAL, ((KESMAS, 2),)),
    "Perawat Ahli Pertama": PositionSample(FUNGSIONAL, ((KESMAS, 2),)),
    "Perawat Ahli Muda": PositionSample(FUNGSIONAL, ((KESMAS, 3),)),
    "Bidan Terampil": PositionSample(FUNGSIONAL, ((KESMAS, 2),)),
    "Dokter Ahli Pertama": PositionSample(FUNGSIONAL, ((KESMAS, 2),)),
    "Dokter Ahli Madya": PositionSample(FUNGSIONAL, ((KESMAS, 4),)),
    "Pranata Komputer Ahli Pertama": PositionSample(FUNGSIONAL, None),
    "Analis SDM Aparatur Ahli Pertama": PositionSample(FUNGSIONAL, ((MASN, 2), (ANJAB, 2), (SKP, 2))),
    "Analis SDM Aparatur Ahli Muda": PositionSample(FUNGSIONAL, ((MASN, 3), (ANJAB, 3))),
    "Analis SDM Aparatur Ahli Madya": PositionSample(FUNGSIONAL, ((MASN, 4), (ANJAB, 3))),
    "Analis Kebijakan Ahli Pertama": PositionSample(FUNGSIONAL, ((POLICY, 2),)),
    "Analis Kebijakan Ahli Muda": PositionSample(FUNGSIONAL, ((POLICY, 3), (DIGITAL, 2))),
    "Administrator Database Kependudukan Ahli Pertama": PositionSample(
        FUNGSIONAL, ((ADMINDUK, 2), (DIGITAL, 2))
    ),
    "Analis Keuangan Pusat dan Daerah Ahli Muda": PositionSample(FUNGSIONAL, ((KEUDA, 3),)),
    "Perencana Ahli Muda": PositionSample(FUNGSIONAL, ((PLANNING, 3),)),
    "Perencana Ahli Pertama": PositionSample(FUNGSIONAL, ((PLANNING, 2),)),
    "Widyaiswara Ahli Madya": PositionSample(FUNGSIONAL, ((MASN, 3), (SKP, 3))),
}

# The roster as a printout: a work unit, then its people — NIP as on their SK (birth date, TMT
# CPNS, gender 1/2, sequence), name, golongan, position. All people are invented.
ROSTER = """
Dinas Kesehatan Kota Kupang
  19710412 199703 1 001 | Agustinus Ndun     | IV/c  | Kepala Dinas Kesehatan
  19760905 200201 2 002 | Maria Goreti Tefa  | IV/b  | Sekretaris Dinas Kesehatan
  19780217 200504 1 003 | Kornelis Nahak     | IV/a  | Kepala Bidang Pelayanan Kesehatan
  19831130 200903 2 004 | Yosefina Lango     | III/d | Kepala Seksi Kesehatan Keluarga dan Gizi
  19870621 201103 2 005 | Elisabeth Mooy     | III/c | Epidemiolog Kesehatan Ahli Muda
  19950108 202003 1 006 | Daniel Fanggidae   | III/a | Penyuluh Kesehatan Masyarakat Ahli Pertama
  19940314 201903 2 007 | Dorkas Bani        | II/c  | Pengadministrasi Perkantoran
Puskesmas Oesapa
  19960802 202201 2 008 | Agustina Seran     | III/a | Perawat Ahli Pertama
  19930509 201903 2 009 | Ferderika Tallo    | II/c  | Bidan Terampil
  19901010 201802 1 010 | Yakobus Benu       | III/b | Dokter Ahli Pertama
Puskesmas Sikumana
  19850707 201004 1 011 | Marthen Kase       | III/c | Perawat Ahli Muda
  19921201 201701 2 012 | Maria Amalo        | III/a | Penata Layanan Operasional
RSUD S.K. Lerik Kota Kupang
  19730825 199912 1 013 | Stefanus Dethan    | IV/c  | Direktur RSUD
  19790418 200602 2 014 | Imelda Foenay      | IV/b  | Dokter Ahli Madya
  19940912 201903 1 015 | Gabriel Taek       | III/b | Perawat Ahli Pertama
  19960229 202103 1 016 | Yulius Pah         | III/a | Pranata Komputer Ahli Pertama
Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Kupang
  19721003 199803 2 017 | Theresia Ratu      | IV/c  | Kepala Badan Kepegawaian dan Pengembangan SDM
  19770522 200302 1 018 | Paulus Lado        | IV/a  | Sekretaris Badan Kepegawaian
  19790115 200503 2 019 | Margaretha Kolo    | IV/a  | Kepala Bidang Pengembangan Kompetensi Aparatur
  19840611 200901 1 020 | Fransiskus Tanaem  | III/d | Kepala Subbagian Umum dan Kepegawaian
  19861220 201101 2 021 | Yuliana Manafe     | III/c | Analis SDM Aparatur Ahli Muda
  19950730 202001 1 022 | Petrus Bere        | III/a | Analis SDM Aparatur Ahli Pertama
  19970203 201903 1 023 | Melkianus Nenobais | II/b  | Pengadministrasi Perkantoran
  19930917 201703 2 024 | Oktaviana Bria     | II/d  | Pengolah Data dan Informasi
Sekretariat Daerah Kota Kupang
  19680309 199403 1 025 | Yohanes Tefa       | IV/d  | Sekretaris Daerah
  19780808 200401 1 026 | Hendrik Seran      | IV/a  | Kepala Bagian Organisasi
  19860404 201003 2 027 | Novita Lango       | III/c | Kepala Subbagian Kelembagaan dan Analisis Jabatan
  19841026 200904 1 028 | Kornelis Bani      | III/d | Analis Kebijakan Ahli Muda
  19930606 201802 2 029 | Sarlota Pah        | III/b | Analis Kebijakan Ahli Pertama
Dinas Kependudukan dan Pencatatan Sipil Kota Kupang
  19761111 200203 2 030 | Regina Nahak       | IV/a  | Kepala Bidang Pelayanan Pendaftaran Penduduk
  19820119 200804 1 031 | Aloysius Mooy      | III/d | Kepala Seksi Identitas Penduduk
  19951102 202003 2 032 | Veronika Dethan    | III/a | Administrator Database Kependudukan Ahli Pertama
  19910323 201502 1 033 | Yermias Tallo      | III/b | Penata Layanan Operasional
  19980714 201903 2 034 | Adelina Kase       | II/a  | Operator Layanan Operasional
Badan Pengelolaan Keuangan dan Aset Daerah Kota Kupang
  19750630 200103 1 035 | Rudolf Fanggidae   | IV/b  | Kepala Bidang Akuntansi
  19830208 200803 2 036 | Elisabeth Benu     | III/d | Kepala Subbidang Perbendaharaan
  19850919 201001 1 037 | Anderias Tallo     | III/c | Analis Keuangan Pusat dan Daerah Ahli Muda
  19941224 201902 2 038 | Yosefina Amalo     | II/c  | Pengadministrasi Keuangan
Badan Perencanaan Pembangunan Daerah Kota Kupang
  19700701 199603 1 039 | Stefanus Kolo      | IV/c  | Kepala Badan Perencanaan Pembangunan Daerah
  19840327 200903 2 040 | Maria Fanggidae    | III/d | Perencana Ahli Muda
  19960505 202103 1 041 | Daniel Ratu        | III/a | Perencana Ahli Pertama
Badan Kepegawaian Daerah Provinsi NTT
  19691212 199503 2 042 | Agustina Nenobais  | IV/d  | Kepala Badan Kepegawaian Daerah
  19760303 200102 1 043 | Yakobus Lado       | IV/b  | Kepala Bidang Mutasi dan Promosi
  19781016 200403 2 044 | Dorkas Ndun        | IV/a  | Analis SDM Aparatur Ahli Madya
  19930125 201802 1 045 | Marthen Taek       | III/b | Analis SDM Aparatur Ahli Pertama
Badan Pengembangan Sumber Daya Manusia Provinsi NTT
  19710214 199704 1 046 | Fransiskus Foenay  | IV/c  | Kepala Badan Pengembangan Sumber Daya Manusia
  19740819 200003 2 047 | Maria Tanaem       | IV/b  | Widyaiswara Ahli Madya
  19850528 201003 1 048 | Petrus Nahak       | III/c | Kepala Subbidang Penyelenggaraan Pelatihan
Dinas Kesehatan Provinsi NTT
  19770202 200303 2 049 | Imelda Bere        | IV/a  | Kepala Bidang Pencegahan dan Pengendalian Penyakit
  19940414 201903 1 050 | Gabriel Mooy       | III/b | Epidemiolog Kesehatan Ahli Pertama
RSUD Prof. Dr. W. Z. Johannes Kupang
  19820909 200603 2 051 | Theresia Kase      | III/d | Perawat Ahli Muda
  19900618 201403 1 052 | Aloysius Bria      | III/a | Penata Layanan Operasional
"""

# Some ASN gave HR no e-mail address.
WITHOUT_EMAIL = frozenset({"Dorkas Bani", "Adelina Kase", "Melkianus Nenobais"})
_MOBILE_PREFIXES = ("812", "813", "821", "822", "852", "853", "811", "823")


class Person(NamedTuple):
    """One invented ASN of the sample roster."""

    nip: str
    name: str
    rank: str
    position: str
    unit: str
    phone: str  # normalized (62…), as the roster stores it
    phone_written: str  # as HR typed it: 0812-…, +62 812-…, or 62812…

    @property
    def position_type(self) -> str:
        return POSITIONS[self.position].position_type

    @property
    def email(self) -> str | None:
        if self.name in WITHOUT_EMAIL:
            return None
        first, *_, last = self.name.lower().split()
        return f"{first}.{last}@{UNITS[self.unit]}"


def _phones(index: int) -> tuple[str, str]:
    """A distinct mobile number per person: (normalized, written the way HR files have it)."""
    prefix = _MOBILE_PREFIXES[index % len(_MOBILE_PREFIXES)]
    subscriber = f"{30_000_000 + index * 1_234_567 % 20_000_000:08d}"
    if index % 5 == 1:
        written = f"+62 {prefix}-{subscriber[:4]}-{subscriber[4:]}"
    elif index % 7 == 3:
        written = f"62{prefix}{subscriber}"
    else:
        written = f"0{prefix}-{subscriber[:4]}-{subscriber[4:]}"
    return f"62{prefix}{subscriber}", written


def _roster() -> tuple[Person, ...]:
    people: list[Person] = []
    unit = ""
    for line in ROSTER.strip().splitlines():
        if not line.startswith(" "):
            unit = line.strip()
            continue
        nip, name, rank, position = (cell.strip() for cell in line.split("|"))
        people.append(Person(nip.replace(" ", ""), name, rank, position, unit, *_phones(len(people))))
    return tuple(people)


PEOPLE = _roster()


def person(name: str) -> Person:
    """The sample ASN of that name."""
    return next(p for p in PEOPLE if p.name == name)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A sample ASN to try the demo as: link with this NIP and this phone number."""

    nip: str
    name: str
    phone: str  # normalized, 62…
    position: str
    position_type: str
    unit: str
    note: str
    telegram_user_id: int  # a suggested id for the demo's simulated phone


def _account(name: str, note: str, telegram_user_id: int) -> DemoAccount:
    sample = person(name)
    return DemoAccount(
        nip=sample.nip,
        name=sample.name,
        phone=sample.phone,
        position=sample.position,
        position_type=sample.position_type,
        unit=sample.unit,
        note=note,
        telegram_user_id=telegram_user_id,
    )


# What the notes promise is arranged below: their assessments and this year's JP.
YOSEFINA, PETRUS, YERMIAS, KORNELIS = "Yosefina Lango", "Petrus Bere", "Yermias Tallo", "Kornelis Nahak"

DEMO_ACCOUNTS: list[DemoAccount] = [
    _account(
        YOSEFINA, "Pengawas; punya gap Pelayanan Publik dan Pengambilan Keputusan; 8 JP tahun ini", 880_001
    ),
    _account(PETRUS, "Fungsional Ahli Pertama; memenuhi standar; tepat 20 JP tahun ini", 880_002),
    _account(YERMIAS, "Pelaksana; belum pernah diasesmen; 0 JP tahun ini", 880_003),
    _account(
        KORNELIS, "Administrator; gap Mengelola Perubahan; di atas 20 JP; hadir di seminar yang lalu", 880_004
    ),
]

# ---------------------------------------------------------------------------------------------
# Standards, assessments and JP history


def _month_start(today: date) -> date:
    """Past dates (assessments, history) count back from the month's first day, so seeding again
    later in the month finds the same rows instead of adding copies a few days apart."""
    return today.replace(day=1)


def required_level(position: str) -> int:
    """The managerial and socio-cultural level a position requires."""
    position_type = POSITIONS[position].position_type
    if position_type == FUNGSIONAL:
        return next((level for grade, level in FUNCTIONAL_LEVEL.items() if grade in position), 1)
    return REQUIRED_LEVEL[position_type]


def _standards() -> Iterator[tuple[str, str, str, int]]:
    """(position, competency, group, level) of every position with a standard."""
    for position, sample in POSITIONS.items():
        if sample.technical is None:
            continue
        level = required_level(position)
        for competency in MANAGERIAL:
            yield position, competency, "manajerial", level
        yield position, SOCIO_CULTURAL, "sosial kultural", level
        for competency, technical_level in sample.technical:
            yield position, competency, "teknis", technical_level


# Assessed − required, cycled over people and competencies: most meet the standard, some fall
# one or two levels short, some exceed it. The demo accounts get exactly the gaps their notes say.
_DELTAS = (0, -1, 0, 1, 0, 0, -2, 0, -1, 1, 0)
_DEMO_GAPS: dict[str, dict[str, int]] = {
    YOSEFINA: {"Pelayanan Publik": -1, "Pengambilan Keputusan": -1},
    PETRUS: {},
    KORNELIS: {"Mengelola Perubahan": -1},
}
NOT_ASSESSED = frozenset({YERMIAS, "Daniel Ratu"})


def _assessments(today: date) -> Iterator[tuple[str, str, int, date, str]]:
    """(nip, competency, level, date, method): one assessment per ASN and competency within the
    last two years, and for every fifth ASN an older, lower one (people grow)."""
    standards: dict[str, list[tuple[str, str, int]]] = {}
    for position, competency, group, level in _standards():
        standards.setdefault(position, []).append((competency, group, level))
    for index, sample in enumerate(PEOPLE):
        if sample.name in NOT_ASSESSED:
            continue
        assessed_on = _month_start(today) - timedelta(days=40 + index * 53 % 600)
        # Without a standard, the assessment centre still measures the managerial competencies.
        measured = standards.get(sample.position) or [(c, "manajerial", 1) for c in MANAGERIAL]
        for number, (competency, group, required) in enumerate(measured):
            delta = _DELTAS[(index + number) % len(_DELTAS)]
            if sample.name in _DEMO_GAPS:
                delta = _DEMO_GAPS[sample.name].get(competency, max(delta, 0))
            level = min(5, max(1, required + delta))
            method = "Uji Kompetensi" if group == "teknis" else "Assessment Center"
            yield sample.nip, competency, level, assessed_on, method
            if index % 5 == 0 and number < 3 and sample.name not in _DEMO_GAPS:
                earlier = _month_start(today) - timedelta(days=690)
                yield sample.nip, competency, max(1, level - 1), earlier, "Assessment Center"


class Activity(NamedTuple):
    """A completed learning activity carrying JP."""

    title: str
    organizer: str | None
    jp: int


WEBINAR = Activity("Webinar Sistem Merit dan Manajemen Talenta ASN", "BKN Kantor Regional X Denpasar", 4)
ELEARNING = Activity("E-Learning Penyusunan SKP", "BKPSDM Kota Kupang", 8)
SERVICE = Activity("Bimbingan Teknis Pelayanan Prima", "BPSDM Provinsi NTT", 16)
REPORTING = Activity("Workshop Penulisan Laporan Kinerja", "Universitas Kristen Artha Wacana", 12)
COACHING = Activity("Coaching dan Mentoring Kinerja", None, 2)
FINANCE = Activity("Pelatihan Teknis Pengelolaan Keuangan Daerah", "BPSDM Provinsi NTT", 24)

# This year's learning, by place in the roster: 0 to 30 JP, some exactly 20.
_PROFILES: tuple[tuple[Activity, ...], ...] = (
    (ELEARNING, WEBINAR),  # 12
    (SERVICE, WEBINAR),  # 20
    (WEBINAR,),  # 4
    (SERVICE, ELEARNING),  # 24
    (),  # 0
    (SERVICE,),  # 16
    (ELEARNING,),  # 8
    (ELEARNING, REPORTING),  # 20
    (FINANCE, COACHING, WEBINAR),  # 30
    (REPORTING, ELEARNING, COACHING, WEBINAR),  # 26
)
_DEMO_PROFILES = {YOSEFINA: (ELEARNING,), PETRUS: (SERVICE, WEBINAR), YERMIAS: (), KORNELIS: _PROFILES[8]}
_LAST_YEAR = (
    Activity("Bimbingan Teknis Analisis Jabatan", "BKPSDM Kota Kupang", 16),
    Activity("Seminar Nasional Kebijakan Publik di Daerah Kepulauan", "Universitas Nusa Cendana", 4),
)


def _history(today: date) -> Iterator[tuple[str, Activity, date]]:
    """(nip, activity, completed on): this year's, all on or before `today`; some of last year's."""
    new_year, anchor = date(today.year, 1, 1), _month_start(today)
    for index, sample in enumerate(PEOPLE):
        activities = _DEMO_PROFILES.get(sample.name, _PROFILES[index % len(_PROFILES)])
        for number, activity in enumerate(activities):
            yield sample.nip, activity, max(new_year, anchor - timedelta(days=9 + 31 * number + index % 17))
        if index % 3 == 0:
            completed_on = date(today.year - 1, 9 + index % 2 * 2, 12 + index % 10)
            yield sample.nip, _LAST_YEAR[index % 2], completed_on


# ---------------------------------------------------------------------------------------------
# Events


class Sample(NamedTuple):
    """A sample event: days counted from `today`, hours in office time."""

    series: str
    title: str
    kind: str
    organizer: str
    location: str
    start: int  # days from today
    quota: int
    deadline: str  # "D-3": 3 days before the start (23:59); "D-1 12:00"; "today+2" (23:59)
    jp: int
    competencies: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    description: str = ""
    cost: str = ""
    days: int = 1
    hours: tuple[str, str] = ("08:00", "16:00")
    number: int = 1


BPSDM, BKPSDM = "BPSDM Provinsi NTT", "BKPSDM Kota Kupang"
BPSDM_CAMPUS, BKPSDM_HALL = "Kampus BPSDM Provinsi NTT, Kupang", "Aula BKPSDM Kota Kupang"
UNDANA, UNDANA_HALL = "Universitas Nusa Cendana", "Aula Rektorat Undana, Kampus Penfui"
SUPERVISORS = tuple(name for name, sample in POSITIONS.items() if sample.position_type == PENGAWAS)
ADMINISTRATORS = tuple(name for name, sample in POSITIONS.items() if sample.position_type == ADMINISTRATOR)
HEALTH_STAFF = (
    "Epidemiolog Kesehatan Ahli Muda",
    "Epidemiolog Kesehatan Ahli Pertama",
    "Penyuluh Kesehatan Masyarakat Ahli Pertama",
    "Bidan Terampil",
    "Perawat Ahli Pertama",
    "Perawat Ahli Muda",
)
FINANCE_STAFF = (
    "Analis Keuangan Pusat dan Daerah Ahli Muda",
    "Pengadministrasi Keuangan",
    "Kepala Subbidang Perbendaharaan",
    "Kepala Bidang Akuntansi",
)
HR_STAFF = (
    "Analis SDM Aparatur Ahli Pertama",
    "Analis SDM Aparatur Ahli Muda",
    "Kepala Subbagian Kelembagaan dan Analisis Jabatan",
)

LATSAR = Sample(
    "LATSAR",
    "Pelatihan Dasar CPNS Angkatan I",
    kind="pelatihan",
    organizer=BPSDM,
    location=BPSDM_CAMPUS,
    start=21,
    days=12,
    quota=40,
    deadline="D-7",
    jp=120,
    competencies=("Integritas", SOCIO_CULTURAL),
    description="Pembentukan nilai dasar ASN BerAKHLAK bagi CPNS formasi terbaru; tahap klasikal.",
)
PKP = Sample(
    "PKP",
    "Pelatihan Kepemimpinan Pengawas (PKP) Angkatan II",
    kind="pelatihan",
    organizer=BPSDM,
    location=BPSDM_CAMPUS,
    start=30,
    days=5,
    quota=30,
    deadline="D-10",
    jp=48,
    competencies=("Pengambilan Keputusan", "Mengelola Perubahan", "Pelayanan Publik"),
    positions=SUPERVISORS,
    description="Tahap klasikal PKP bagi pejabat pengawas, dilanjutkan aksi perubahan di unit kerja.",
    cost="18.500.000",
)
PKA = Sample(
    "PKA",
    "Pelatihan Kepemimpinan Administrator (PKA) Angkatan I",
    kind="pelatihan",
    organizer=BPSDM,
    location=BPSDM_CAMPUS,
    start=45,
    days=5,
    quota=30,
    deadline="D-10",
    jp=48,
    competencies=("Mengelola Perubahan", "Orientasi pada Hasil", "Pengambilan Keputusan"),
    positions=ADMINISTRATORS,
    description="Tahap klasikal PKA bagi pejabat administrator.",
    cost="24.000.000",
)
FINANCE_TRAINING = Sample(
    "KEUDA",
    "Pelatihan Pengelolaan Keuangan Daerah",
    kind="pelatihan",
    organizer=BPSDM,
    location=BPSDM_CAMPUS,
    start=12,
    days=3,
    quota=30,
    deadline="D-3",
    jp=24,
    competencies=(KEUDA,),
    positions=FINANCE_STAFF,
    description="Penatausahaan, akuntansi dan pelaporan keuangan daerah.",
    cost="3.500.000",
)
NEARLY_FULL = Sample(
    "PRIMA",
    "Pelatihan Pelayanan Prima",
    kind="pelatihan",
    organizer=BKPSDM,
    location=BKPSDM_HALL,
    start=9,
    days=2,
    hours=("08:00", "15:00"),
    quota=12,
    deadline="D-3",
    jp=16,
    competencies=("Pelayanan Publik",),
    description="Standar pelayanan, penanganan pengaduan dan budaya melayani.",
)
CLOSING_SOON = Sample(
    "ANJAB",
    "Pelatihan Analisis Jabatan dan Analisis Beban Kerja",
    kind="pelatihan",
    organizer=BKPSDM,
    location=BKPSDM_HALL,
    start=6,
    days=2,
    quota=25,
    deadline="today+2",
    jp=16,
    competencies=(ANJAB,),
    positions=HR_STAFF,
    description="Menyusun peta jabatan, uraian jabatan dan beban kerja.",
)
SKP_TRAINING = Sample(
    "SKP",
    "Bimbingan Teknis Penyusunan SKP",
    kind="pelatihan",
    organizer=BKPSDM,
    location=BKPSDM_HALL,
    start=15,
    quota=60,
    deadline="D-2",
    jp=8,
    competencies=(SKP,),
    description="Menyusun Sasaran Kinerja Pegawai dan ekspektasi pimpinan.",
)
MERIT = Sample(
    "MASN",
    "Pelatihan Manajemen ASN dan Sistem Merit",
    kind="pelatihan",
    organizer=BPSDM,
    location=BPSDM_CAMPUS,
    start=38,
    days=3,
    quota=35,
    deadline="D-5",
    jp=24,
    competencies=(MASN,),
    description="Manajemen talenta dan sistem merit bagi pengelola kepegawaian.",
    cost="2.750.000",
)
PAST_SEMINAR = Sample(
    "UNDANA",
    "Seminar Reformasi Birokrasi dan Pelayanan Publik",
    kind="seminar",
    organizer=UNDANA,
    location=UNDANA_HALL,
    start=-14,
    hours=("09:00", "12:00"),
    quota=100,
    deadline="D-2",
    jp=4,
    competencies=("Pelayanan Publik",),
    description="Seminar terbuka FISIP Undana bagi ASN Kota Kupang.",
)
POLICY_SEMINAR = Sample(
    "UNDANA",
    "Seminar Kebijakan Publik dan Tata Kelola Daerah Kepulauan",
    kind="seminar",
    organizer=UNDANA,
    location=UNDANA_HALL,
    start=10,
    hours=("09:00", "13:00"),
    quota=150,
    deadline="D-1 12:00",
    jp=4,
    competencies=(POLICY, "Pengambilan Keputusan"),
    description="Seminar nasional tentang kebijakan publik berbasis bukti di NTT.",
    number=2,
)
DIGITAL_WORKSHOP = Sample(
    "UNWIRA",
    "Workshop Pemerintahan Digital: Layanan Publik Berbasis Data",
    kind="workshop",
    organizer="Universitas Katolik Widya Mandira",
    location="Kampus Unwira, Kupang",
    start=17,
    hours=("09:00", "15:00"),
    quota=40,
    deadline="D-3",
    jp=6,
    competencies=(DIGITAL,),
    description="Praktik merancang layanan digital dan memanfaatkan data layanan.",
)
ETHICS_SEMINAR = Sample(
    "UKAW",
    "Seminar Etika dan Integritas dalam Pelayanan Publik",
    kind="seminar",
    organizer="Universitas Kristen Artha Wacana",
    location="Kampus UKAW, Kupang",
    start=24,
    hours=("09:00", "12:00"),
    quota=120,
    deadline="D-2",
    jp=3,
    competencies=("Integritas", "Pelayanan Publik"),
)
DATA_WORKSHOP = Sample(
    "PNK",
    "Workshop Literasi Data dan Dasbor Kinerja untuk ASN",
    kind="workshop",
    organizer="Politeknik Negeri Kupang",
    location="Laboratorium Komputer Politeknik Negeri Kupang, Penfui",
    start=27,
    quota=30,
    deadline="D-4",
    jp=8,
    competencies=(DIGITAL,),
    description="Mengolah data kinerja unit kerja menjadi dasbor sederhana.",
    cost="250.000",
)
HEALTH_SEMINAR = Sample(
    "POLTEKKES",
    "Seminar Kesehatan Masyarakat: Percepatan Penurunan Stunting di NTT",
    kind="seminar",
    organizer="Poltekkes Kemenkes Kupang",
    location="Aula Poltekkes Kemenkes Kupang",
    start=13,
    hours=("08:00", "12:00"),
    quota=80,
    deadline="D-2",
    jp=4,
    competencies=(KESMAS,),
    positions=HEALTH_STAFF,
    description="Hasil penelitian dan praktik baik penurunan stunting di puskesmas.",
)

EVENTS: tuple[Sample, ...] = (
    LATSAR,
    PKP,
    PKA,
    FINANCE_TRAINING,
    NEARLY_FULL,
    CLOSING_SOON,
    SKP_TRAINING,
    MERIT,
    PAST_SEMINAR,
    POLICY_SEMINAR,
    DIGITAL_WORKSHOP,
    ETHICS_SEMINAR,
    DATA_WORKSHOP,
    HEALTH_SEMINAR,
)


def event_code(sample: Sample, today: date) -> str:
    """Stable codes like `PKP-2026-01`, from the year of `today`."""
    return f"{sample.series}-{today.year}-{sample.number:02d}"


def _event_row(sample: Sample, today: date) -> dict[str, str]:
    first = today + timedelta(days=sample.start)
    last = first + timedelta(days=sample.days - 1)
    if sample.deadline.startswith("today+"):
        deadline = str(today + timedelta(days=int(sample.deadline.removeprefix("today+"))))
    else:
        days, _, hour = sample.deadline.removeprefix("D-").partition(" ")
        deadline = f"{first - timedelta(days=int(days))} {hour}".strip()
    return {
        "kode": event_code(sample, today),
        "judul": sample.title,
        "jenis": sample.kind,
        "penyelenggara": sample.organizer,
        "mulai": f"{first} {sample.hours[0]}",
        "selesai": f"{last} {sample.hours[1]}",
        "lokasi": sample.location,
        "kuota": str(sample.quota),
        "batas_daftar": deadline,
        "jp": str(sample.jp),
        "kompetensi": ";".join(sample.competencies),
        "sasaran_jabatan": ";".join(sample.positions),
        "deskripsi": sample.description,
        "biaya": sample.cost,
    }


# Who already signed up: the nearly full training lacks one seat (none of the demo accounts took
# one), a few registered elsewhere, and the past seminar has its attendees, credited with its JP.
_REGISTERED: tuple[tuple[Sample, tuple[str, ...]], ...] = (
    (
        NEARLY_FULL,
        (
            "Dorkas Bani",
            "Maria Amalo",
            "Melkianus Nenobais",
            "Oktaviana Bria",
            "Adelina Kase",
            "Yosefina Amalo",
            "Aloysius Bria",
            "Agustina Seran",
            "Gabriel Taek",
            "Ferderika Tallo",
            "Veronika Dethan",
        ),
    ),
    (PKP, ("Fransiskus Tanaem", "Novita Lango", "Aloysius Mooy", "Elisabeth Benu")),
    (POLICY_SEMINAR, ("Kornelis Bani", "Sarlota Pah", "Hendrik Seran", "Regina Nahak", "Maria Fanggidae")),
)
_ATTENDED = (KORNELIS, "Kornelis Bani", "Sarlota Pah", "Paulus Lado", "Margaretha Kolo", "Imelda Bere")
_RATINGS = {
    "Kornelis Bani": (5, "Materinya relevan dengan tugas di Bagian Organisasi."),
    "Paulus Lado": (4, None),
}


# ---------------------------------------------------------------------------------------------
# Seeding


@dataclass(frozen=True, slots=True)
class SeedSummary:
    """How much sample data there is (the same on every run), and how many rows this run added."""

    units: int
    positions: int
    employees: int
    competencies: int
    standards: int
    assessments: int
    learning_records: int
    events: int
    registrations: int
    created: int


async def seed_demo(session: AsyncSession, *, today: date, timezone: ZoneInfo) -> SeedSummary:
    """Load the Kupang sample data for `today` (natural keys decide what already exists) and commit."""
    tables: dict[ImportKind, list[dict[str, str]]] = {
        ImportKind.EMPLOYEES: [
            {
                "nip": sample.nip,
                "nama": sample.name,
                "jabatan": sample.position,
                "jenis_jabatan": sample.position_type,
                "unit_kerja": sample.unit,
                "golongan": sample.rank,
                "telepon": sample.phone_written,
                "email": sample.email or "",
            }
            for sample in PEOPLE
        ],
        ImportKind.STANDARDS: [
            {"jabatan": position, "kompetensi": competency, "kelompok": group, "level": str(level)}
            for position, competency, group, level in _standards()
        ],
        ImportKind.ASSESSMENTS: [
            {"nip": nip, "kompetensi": competency, "level": str(level), "tanggal": str(day), "metode": method}
            for nip, competency, level, day, method in _assessments(today)
        ],
        ImportKind.HISTORY: [
            {
                "nip": nip,
                "judul": activity.title,
                "tanggal_selesai": str(day),
                "jp": str(activity.jp),
                "penyelenggara": activity.organizer or "",
            }
            for nip, activity, day in _history(today)
        ],
        ImportKind.EVENTS: [_event_row(sample, today) for sample in EVENTS],
    }
    created = 0
    for kind, rows in tables.items():
        report = await import_rows(
            session, kind=kind, headers=rows[0], rows=enumerate(rows, 2), timezone=timezone, today=today
        )
        created += report.created
    created += await _registrations(session, today=today, timezone=timezone)
    registered = sum(len(names) for _, names in _REGISTERED) + len(_ATTENDED)
    return SeedSummary(
        units=len({sample.unit for sample in PEOPLE}),
        positions=len(POSITIONS),
        employees=len(PEOPLE),
        competencies=len({row["kompetensi"] for row in tables[ImportKind.STANDARDS]}),
        standards=len(tables[ImportKind.STANDARDS]),
        assessments=len(tables[ImportKind.ASSESSMENTS]),
        learning_records=len(tables[ImportKind.HISTORY]) + len(_ATTENDED),
        events=len(EVENTS),
        registrations=registered,
        created=created,
    )


async def _registrations(session: AsyncSession, *, today: date, timezone: ZoneInfo) -> int:
    """Add the sample registrations that are missing (keeping `seats_taken` in step, never past
    the quota) and the past seminar's JP credits; returns how many rows were added."""
    codes = [event_code(sample, today) for sample in (*(s for s, _ in _REGISTERED), PAST_SEMINAR)]
    events = {
        row.code: row
        for row in await session.execute(
            select(
                Event.id,
                Event.code,
                Event.title,
                Event.organizer,
                Event.starts_at,
                Event.jp,
                Event.quota,
                Event.seats_taken,
            ).where(Event.code.in_(codes))
        )
    }
    employees = dict((await session.execute(select(Employee.nip, Employee.id))).tuples().all())
    registered = set(
        (await session.execute(select(Registration.event_id, Registration.employee_id))).tuples()
    )
    credited = set(
        (await session.execute(select(LearningRecord.event_id, LearningRecord.employee_id))).tuples()
    )
    plan = [(sample, names, RegistrationStatus.REGISTERED) for sample, names in _REGISTERED]
    plan.append((PAST_SEMINAR, _ATTENDED, RegistrationStatus.ATTENDED))
    added = 0
    for sample, names, status in plan:
        event = events[event_code(sample, today)]
        event_day = event.starts_at.astimezone(timezone).date()
        free, seats = event.quota - event.seats_taken, 0
        for name in names:
            index = PEOPLE.index(person(name))
            employee_id = employees[PEOPLE[index].nip]
            attended = status is RegistrationStatus.ATTENDED
            if (event.id, employee_id) not in registered and seats < free:
                signed_up = min(today, event_day) - timedelta(days=1 + index % 5)
                at = datetime.combine(signed_up, time(8 + index % 8, index * 7 % 60), tzinfo=timezone)
                rating, comment = _RATINGS.get(name, (None, None))
                session.add(
                    Registration(
                        event_id=event.id,
                        employee_id=employee_id,
                        status=status,
                        queued_at=at,
                        registered_at=at,
                        attended_at=event.starts_at + timedelta(minutes=10 + index % 20)
                        if attended
                        else None,
                        rating=rating if attended else None,
                        comment=comment if attended else None,
                    )
                )
                seats += 1
            if attended and (event.id, employee_id) not in credited:
                session.add(
                    LearningRecord(
                        employee_id=employee_id,
                        title=event.title,
                        organizer=event.organizer,
                        completed_on=event_day,
                        jp=event.jp,
                        event_id=event.id,
                    )
                )
                added += 1
        if seats:
            await session.execute(
                update(Event).where(Event.id == event.id).values(seats_taken=Event.seats_taken + seats)
            )
        added += seats
    await session.commit()
    return added
