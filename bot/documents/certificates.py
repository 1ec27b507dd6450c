"""The certificate of attendance as a one-page PDF (A4 landscape, fpdf2's core fonts).

The words come in already translated and formatted (`CertificateText`); this module only
lays them out. Core fonts keep the file small (a few KB) and cover Latin-1, which is
all Indonesian needs; anything outside it is transliterated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from fpdf import FPDF

FONT = "Helvetica"
_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
}


@dataclass(frozen=True, slots=True)
class CertificateText:
    """Every line of the certificate, in the ASN's language."""

    heading: str
    subheading: str
    given_to: str
    name: str
    nip: str
    for_attending: str
    event_title: str
    dates: str
    jp: str
    organizer: str
    code: str
    verify: str


def latin1(text: str) -> str:
    """`text` with what the core fonts cannot draw replaced by its closest Latin-1 spelling."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in decomposed if not unicodedata.combining(c))
            char = char.encode("latin-1", "replace").decode("latin-1")
        out.append(char)
    return "".join(out)


def build_certificate(text: CertificateText, *, compress: bool = True) -> bytes:
    """The PDF bytes; `compress=False` leaves the page text readable in the file (for tests)."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_title(latin1(text.heading))
    pdf.set_author(latin1(text.organizer))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    width = pdf.w - 50

    pdf.set_draw_color(20, 70, 130)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)

    def line(value: str, size: float, style: str = "", height: float = 9, gap: float = 0) -> None:
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(width, height, latin1(value), align="C", new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    pdf.set_y(28)
    pdf.set_text_color(20, 70, 130)
    line(text.heading, 30, "B", 14)
    pdf.set_text_color(60, 60, 60)
    line(text.subheading, 13, "", 7, gap=8)
    pdf.set_text_color(0, 0, 0)
    line(text.given_to, 12, "", 7, gap=2)
    line(text.name, 24, "B", 12)
    line(text.nip, 12, "", 7, gap=6)
    line(text.for_attending, 12, "", 7, gap=2)
    line(text.event_title, 17, "B", 9, gap=3)
    line(text.dates, 12, "", 7)
    line(text.jp, 12, "", 7)
    line(text.organizer, 12, "", 7)

    pdf.set_y(pdf.h - 40)
    pdf.set_text_color(60, 60, 60)
    line(text.code, 11, "B", 6)
    line(text.verify, 10, "", 6)
    return bytes(pdf.output())
