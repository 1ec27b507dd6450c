"""The certificate of attendance as a one-page PDF (A4 landscape, fpdf2's core fonts).

`certificate_text` puts the words together in the holder's language; `build_certificate` only
lays them out: the holder and the event, the certificate's number, the QR code of the deep link
anyone opens to check it (`bot.documents.qr`), and the organizer's signer when one is set.
Core fonts keep the file small (a few KB) and cover Latin-1, which is all Indonesian needs;
anything outside it is transliterated.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from fpdf import FPDF

from bot.documents.qr import qr_png
from db.registration import Certificate
from messages import Renderer

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
    link: str
    signer_title: str | None = None
    signer_name: str | None = None


def certificate_text(found: Certificate, renderer: Renderer, lang: str, *, link: str) -> CertificateText:
    """Every line of `found`'s certificate in `lang`; `link` is the deep link that checks it."""
    label = renderer.label
    same_day = renderer.local(found.starts_at).date() == renderer.local(found.ends_at).date()
    dates = renderer.format_date(found.starts_at, lang)
    if not same_day:
        dates = f"{dates} – {renderer.format_date(found.ends_at, lang)}"
    start, end = renderer.format_time(found.starts_at, lang), renderer.format_time(found.ends_at, lang)
    return CertificateText(
        heading=label("cert.heading", lang),
        subheading=label("cert.subheading", lang),
        given_to=label("cert.given_to", lang),
        name=found.employee_name,
        nip=label("cert.nip", lang, nip=found.nip),
        for_attending=label("cert.for_attending", lang),
        event_title=found.event_title,
        dates=label("cert.dates", lang, dates=dates, start=start, end=end),
        jp=label("cert.jp", lang, jp=found.jp),
        organizer=label("cert.organizer", lang, organizer=found.organizer),
        code=label("cert.code", lang, code=found.number),
        verify=label("cert.verify", lang, link=link, code=found.code),
        link=link,
        signer_title=found.signer_title,
        signer_name=found.signer_name,
    )


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

    _check_block(pdf, text)
    _signer_block(pdf, text)
    return bytes(pdf.output())


#: Where the QR code and the signer sit: the bottom band inside the frame (mm).
BOTTOM = 58
QR_SIZE = 32


def _check_block(pdf: FPDF, text: CertificateText) -> None:
    """Bottom left: the QR code of the deep link, the number and how to check it."""
    top = pdf.h - BOTTOM
    pdf.image(io.BytesIO(qr_png(text.link, scale=4)), x=25, y=top, w=QR_SIZE, h=QR_SIZE)
    pdf.set_text_color(60, 60, 60)
    pdf.set_xy(25 + QR_SIZE + 4, top + 4)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(110, 6, latin1(text.code), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(110, 5, latin1(text.verify), new_x="LEFT", new_y="NEXT")


def _signer_block(pdf: FPDF, text: CertificateText) -> None:
    """Bottom right: the signer's title, room to sign, and the name (when the organizer set one)."""
    if not text.signer_name:
        return
    width = 90
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(pdf.w - 25 - width, pdf.h - BOTTOM)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, latin1(text.signer_title or ""), align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(14)
    pdf.set_x(pdf.w - 25 - width)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(width, 6, latin1(text.signer_name), align="C", new_x="LEFT", new_y="NEXT")
