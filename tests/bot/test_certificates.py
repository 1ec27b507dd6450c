"""The certificate PDF: small, one page, every line readable in it, with the QR code of the link
that checks it and the organizer's signer."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.documents.certificates import CertificateText, build_certificate, certificate_text, latin1
from db.registration import Certificate
from messages import Renderer

LINK = "https://t.me/asn_karier_bot?start=cek_ABCDEFGHJKLMNPQR"
TEXT = CertificateText(
    heading="SERTIFIKAT",
    subheading="Kehadiran dalam Pengembangan Kompetensi ASN",
    given_to="diberikan kepada",
    name="Maria Goreti Bria",
    nip="NIP 198609262015052001",
    for_attending="atas kehadirannya dalam",
    event_title="Pelatihan Pelayanan Prima — Angkatan I",
    dates="Senin, 14 Desember 2026, 09.00 WITA – 17.00 WITA",
    jp="Bobot pengembangan kompetensi: 8 JP",
    organizer="Penyelenggara: Universitas Nusa Cendana",
    code="Nomor sertifikat: ABCD-EFGH-JKLM-NPQR",
    verify=f"Periksa keasliannya: pindai kode QR ini dengan kamera ponsel atau buka {LINK}",
    link=LINK,
    signer_title="Dekan Fakultas Ilmu Sosial dan Ilmu Politik",
    signer_name="Dr. Agustina Seran, M.Si.",
)
FOUND = Certificate(
    code="ABCDEFGHJKLMNPQR",
    employee_id=1,
    employee_name="Maria Goreti Bria",
    nip="198609262015052001",
    event_code="SEM-2026-01",
    event_title="Seminar Kebijakan Publik",
    organizer="Universitas Nusa Cendana",
    signer_name="Dr. Agustina Seran, M.Si.",
    signer_title="Dekan FISIP",
    starts_at=datetime(2026, 12, 14, 1, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 14, 9, 0, tzinfo=UTC),
    jp=8,
    attended_at=datetime(2026, 12, 14, 1, 5, tzinfo=UTC),
)


def test_the_certificate_is_a_small_one_page_pdf() -> None:
    pdf = build_certificate(TEXT)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < 100 * 1024
    assert b"/Count 1" in pdf


def test_every_line_is_in_the_uncompressed_page() -> None:
    pdf = build_certificate(TEXT, compress=False)
    for line in ("Maria Goreti Bria", "NIP 198609262015052001", "ABCD-EFGH-JKLM-NPQR", "8 JP", "cek_ABCD"):
        assert line.encode("latin-1") in pdf
    assert b"Pelatihan Pelayanan Prima - Angkatan I" in pdf


def test_the_certificate_carries_the_qr_code_and_the_signer() -> None:
    pdf = build_certificate(TEXT, compress=False)
    assert b"/Subtype /Image" in pdf
    assert b"Dr. Agustina Seran, M.Si." in pdf
    assert b"Dekan Fakultas Ilmu Sosial dan Ilmu Politik" in pdf


def test_without_a_signer_set_there_is_no_signature_line() -> None:
    pdf = build_certificate(dataclasses.replace(TEXT, signer_name=None, signer_title=None), compress=False)
    assert b"Dekan" not in pdf
    assert b"/Subtype /Image" in pdf  # the QR code is always there


def test_the_holders_language_words_the_number_and_the_link() -> None:
    renderer = Renderer(ZoneInfo("Asia/Makassar"))
    indonesian = certificate_text(FOUND, renderer, "id", link=LINK)
    english = certificate_text(FOUND, renderer, "en", link=LINK)
    assert indonesian.code == "Nomor sertifikat: ABCD-EFGH-JKLM-NPQR"
    assert english.code == "Certificate number: ABCD-EFGH-JKLM-NPQR"
    assert LINK in indonesian.verify
    assert LINK in english.verify
    assert "asn-bot" not in indonesian.verify  # a command only HR's server has
    assert indonesian.dates.startswith("Senin, 14 Desember 2026")
    assert indonesian.signer_name == "Dr. Agustina Seran, M.Si."


def test_text_outside_latin_1_is_transliterated_not_dropped() -> None:
    assert latin1("Ngurah Ṛai — “Kupang” …") == 'Ngurah Rai - "Kupang" ...'
    assert latin1("José Müller") == "José Müller"
