"""The certificate PDF: small, one page, and every line readable in it."""

from __future__ import annotations

from bot.documents.certificates import CertificateText, build_certificate, latin1

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
    organizer="Penyelenggara: BPSDM Provinsi NTT",
    code="Kode verifikasi: ABCDEFGHJKLMNPQR",
    verify="Verifikasi: asn-bot verify ABCDEFGHJKLMNPQR",
)


def test_the_certificate_is_a_small_one_page_pdf() -> None:
    pdf = build_certificate(TEXT)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < 100 * 1024
    assert b"/Count 1" in pdf


def test_every_line_is_in_the_uncompressed_page() -> None:
    pdf = build_certificate(TEXT, compress=False)
    for line in ("Maria Goreti Bria", "NIP 198609262015052001", "asn-bot verify ABCDEFGHJKLMNPQR", "8 JP"):
        assert line.encode("latin-1") in pdf
    assert b"Pelatihan Pelayanan Prima - Angkatan I" in pdf


def test_text_outside_latin_1_is_transliterated_not_dropped() -> None:
    assert latin1("Ngurah Ṛai — “Kupang” …") == 'Ngurah Rai - "Kupang" ...'
    assert latin1("José Müller") == "José Müller"
