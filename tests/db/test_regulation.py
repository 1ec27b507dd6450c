"""PermenPANRB 38/2017 as the code knows it: the competency groups, and the managerial level a
position requires by its type."""

from __future__ import annotations

import pytest

from db.identity import POSITION_TYPES
from db.models import CompetencyGroup
from db.regulation import MANAGERIAL, group_of, required_level


def test_eight_managerial_competencies_one_socio_cultural_and_the_rest_technical() -> None:
    assert len(set(MANAGERIAL)) == 8
    assert {group_of(name) for name in MANAGERIAL} == {CompetencyGroup.MANAJERIAL}
    assert group_of("Perekat Bangsa") is CompetencyGroup.SOSIAL_KULTURAL
    assert group_of("Pengelolaan Keuangan Daerah") is CompetencyGroup.TEKNIS


@pytest.mark.parametrize(
    ("position_type", "position", "level"),
    [
        ("JPT Madya", "Sekretaris Daerah Provinsi", 5),
        ("JPT Pratama", "Kepala Dinas Kesehatan", 4),
        ("Administrator", "Kepala Bidang Akuntansi", 3),
        ("Pengawas", "Kepala Seksi Identitas Penduduk", 2),
        ("Pelaksana", "Pengadministrasi Perkantoran", 1),
        ("Fungsional", "Analis SDM Aparatur Ahli Madya", 3),
        ("Fungsional", "Perencana Ahli Muda", 2),
        ("Fungsional", "Perawat Ahli Pertama", 1),
        ("Fungsional", "Bidan Terampil", 1),
    ],
)
def test_the_required_level_follows_the_position_type(position_type: str, position: str, level: int) -> None:
    assert required_level(position_type, position) == level


def test_every_position_type_has_a_required_level() -> None:
    for position_type in POSITION_TYPES:
        assert 1 <= required_level(position_type, "") <= 5
