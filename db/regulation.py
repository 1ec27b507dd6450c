"""What PermenPANRB 38/2017 fixes about competencies: the eight managerial competencies, the one
socio-cultural competency (Perekat Bangsa), and the level of both that a position requires by its
type. Technical competencies are each agency's own, so every other name is teknis. The position
types themselves are in `db.identity`.
"""

from __future__ import annotations

from db.models import CompetencyGroup

MANAGERIAL: tuple[str, ...] = (
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

# The managerial and socio-cultural level required, by position type (db.identity.POSITION_TYPES);
# fungsional positions by the grade in their name, the skilled grades below Penyelia at 1.
REQUIRED_LEVEL: dict[str, int] = {
    "JPT Utama": 5,
    "JPT Madya": 5,
    "JPT Pratama": 4,
    "Administrator": 3,
    "Pengawas": 2,
    "Pelaksana": 1,
}
FUNCTIONAL = "Fungsional"
FUNCTIONAL_LEVEL: dict[str, int] = {
    "Ahli Utama": 4,
    "Ahli Madya": 3,
    "Ahli Muda": 2,
    "Ahli Pertama": 1,
    "Penyelia": 2,
}


def group_of(competency: str) -> CompetencyGroup:
    """The group a competency belongs to: manajerial or sosial kultural by name, else teknis."""
    if competency in MANAGERIAL:
        return CompetencyGroup.MANAJERIAL
    if competency == SOCIO_CULTURAL:
        return CompetencyGroup.SOSIAL_KULTURAL
    return CompetencyGroup.TEKNIS


def required_level(position_type: str, position: str) -> int:
    """The managerial and socio-cultural level a position of that type and name requires."""
    if position_type == FUNCTIONAL:
        return next((level for grade, level in FUNCTIONAL_LEVEL.items() if grade in position), 1)
    return REQUIRED_LEVEL[position_type]
