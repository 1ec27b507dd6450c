"""After attending: the rating (one press on a star), the optional comment typed after it,
and the certificate of attendance as a PDF."""

from __future__ import annotations

from bot.documents import qr
from bot.documents.certificates import build_certificate, certificate_text
from bot.handlers.registration.common import (
    Own,
    back_to_list,
    inline,
    on_own,
    send_document,
)
from bot.replies import edit, reply
from bot.ui.callbacks import BadCallback, encode
from bot.ui.flows import Typed
from bot.ui.keyboards import button, rating_stars
from db import registration
from db.registration import (
    RegistrationError,
)


@on_own("rate")
async def _ask_rating(own: Own) -> None:
    """⭐ Beri nilai: five star buttons."""
    update, context, _session, me, item = own.unpack()
    lang, rid = me.language, item.registration_id
    stars = rating_stars(context.services.renderer, lang, rid)
    back = button(context, lang, "button.back", encode("reg", "open", rid))
    await edit(
        update,
        context,
        "reg_rating",
        lang,
        keyboard=inline([stars, [back]]),
        outcome="ask",
        title=item.event_title,
    )


@on_own("star")
async def _rate(own: Own) -> None:
    """⭐n: save the rating, then wait for an optional comment."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    rating = own.press.number(1)
    if rating not in range(1, 6):
        raise BadCallback(f"rating {rating}")
    try:
        await registration.rate(
            session, registration_id=item.registration_id, employee_id=me.employee.id, rating=rating
        )
    except RegistrationError:
        await edit(update, context, "reg_gone", me.language, keyboard=back_to_list(context, me.language))
        return
    await registration.await_comment(
        session, telegram_user_id=me.telegram_user_id, registration_id=item.registration_id, rating=rating
    )
    skip = button(context, me.language, "button.skip_comment", encode("reg", "skip", item.registration_id))
    await edit(
        update,
        context,
        "reg_rating",
        me.language,
        keyboard=inline([[skip]]),
        outcome="rated",
        title=item.event_title,
        rating=rating,
    )


@on_own("skip")
async def _skip_comment(own: Own) -> None:
    """Lewati: no comment, thanks."""
    update, context, session, me, item = own.unpack()
    await registration.clear_comment(session, telegram_user_id=me.telegram_user_id)
    await edit(
        update,
        context,
        "reg_rating",
        me.language,
        keyboard=back_to_list(context, me.language),
        outcome="thanks",
        title=item.event_title,
    )


async def comment(typed: Typed) -> None:
    """The comment typed after a rating (the flow is left whether or not it is saved)."""
    update, context, session, me = typed.update, typed.context, typed.session, typed.me
    pending = await registration.pending_comment(session, telegram_user_id=me.telegram_user_id)
    await registration.clear_comment(session, telegram_user_id=me.telegram_user_id)
    if pending is None or me.employee is None:
        return
    rating = pending.rating
    try:
        await registration.rate(
            session,
            registration_id=pending.registration_id,
            employee_id=me.employee.id,
            rating=rating,
            comment=typed.text,
        )
    except RegistrationError:
        await reply(update, context, "reg_gone", me.language)
        return
    await reply(update, context, "reg_rating", me.language, outcome="comment_saved", title="", rating=rating)


@on_own("cert")
async def _send_certificate(own: Own) -> None:
    """📄: the certificate of attendance as a PDF."""
    update, context, session, me, item = own.unpack()
    assert me.employee is not None
    assert update.callback_query is not None
    await update.callback_query.answer()
    try:
        found = await registration.certificate(
            session, registration_id=item.registration_id, employee_id=me.employee.id
        )
    except RegistrationError:
        await reply(update, context, "reg_gone", me.language)
        return
    renderer, lang = context.services.renderer, me.language
    link = qr.certificate_link(context.bot.username, found.code)
    text = certificate_text(found, renderer, lang, link=link)
    pdf = build_certificate(text)
    caption = renderer.label("reg.certificate_caption", lang, title=found.event_title, code=found.code)
    await send_document(update, context, pdf, f"sertifikat-{found.event_code}.pdf", caption)
