"""`/verifikasi KODE`: is this certificate genuine? (HR and organizers; the NIP is masked for
organizers.)"""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.replies import reply
from bot.ui.caller import who
from db import admin, registration
from db.identity import mask_nip


async def verify(update: Update, context: Context) -> None:
    """/verifikasi KODE — is this certificate genuine? (HR and organizers)"""
    async with context.db() as session:
        me = await who(session, update, context)
        scope = await admin.scope_for(session, telegram_user_id=me.telegram_user_id, roles=me.roles)
        if scope is None:
            await reply(update, context, "admin_refused", me.language)
            return
        code = "".join(context.args or ())
        found = await registration.verify_certificate(session, code=code) if code else None
    if not code:
        outcome = "usage"
    elif found is None:
        outcome = "not_genuine"
    else:
        outcome, code = "genuine", found.code
    nip = None if found is None else found.nip if scope.full_nip else mask_nip(found.nip)
    await reply(
        update, context, "admin_verify", me.language, outcome=outcome, certificate=found, nip=nip, code=code
    )
