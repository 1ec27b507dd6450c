"""An ASN who is already linked and sends /start again is greeted as Bapak or Ibu, by the sex
digit of their NIP, in Indonesian; as Mr or Ms in English."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.local_api import LocalBotApi
from tests.utils.employees import make_employee
from tests.utils.phones import linked_phone, say


async def test_a_woman_is_greeted_as_ibu_and_a_man_as_bapak(
    api: LocalBotApi, bot: object, session: AsyncSession
) -> None:
    yosefina = await make_employee(
        session, nip="199003142015052003", name="Yosefina Lango", phone="081234500001"
    )
    yohanes = await make_employee(
        session, nip="198801022014031005", name="Yohanes Nope", phone="081234500002"
    )
    her_phone = await linked_phone(session, api, yosefina, user_id=501)
    his_phone = await linked_phone(session, api, yohanes, user_id=502)

    (hers,) = await say(her_phone, "/start")
    assert hers.plain_text.startswith("Selamat datang kembali, Ibu Yosefina Lango.")
    (his,) = await say(his_phone, "/start")
    assert his.plain_text.startswith("Selamat datang kembali, Bapak Yohanes Nope.")


async def test_in_english_the_title_is_ms_or_mr(api: LocalBotApi, bot: object, session: AsyncSession) -> None:
    yosefina = await make_employee(
        session, nip="199003142015052003", name="Yosefina Lango", phone="081234500001"
    )
    phone = await linked_phone(session, api, yosefina, user_id=501, lang="en")
    (greeting,) = await say(phone, "/start")
    assert greeting.plain_text.startswith("Welcome back, Ms Yosefina Lango.")
