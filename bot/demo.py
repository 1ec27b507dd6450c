"""`asn-bot demo`: the real bot, offline. It starts the local Bot API server, the bot
against it over HTTP (exactly as in production, through `TELEGRAM_API_BASE_URL`), loads
the Kupang sample data, and turns this terminal into a phone.

The person at the terminal is one of several personas, each its own Telegram user: a sample
ASN (who links with their NIP and phone, as a real one would), the HR officer of BKPSDM Kota
Kupang, or the organizer of Universitas Nusa Cendana's seminars (both granted their role in
the demo database, the university with a certificate signer). `/as hr`, `/as organizer` and
`/as asn [n]` switch between them; each keeps its own chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_application, build_services, start_polling, stop
from bot.local_api import BotMessage, LocalBotApi, Phone
from bot.settings import Settings
from db import organizer_settings, roles
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.models import Role
from db.seed import DEMO_ACCOUNTS, DemoAccount, seed_demo
from db.types import utcnow
from messages import Renderer

DEMO_TOKEN = "700000001:DEMO-offline-token"
REPLY_TIMEOUT = 15.0
SETTLE = 0.4
DEMO_ORGANIZER = "Universitas Nusa Cendana"
DEMO_SIGNER = ("Dr. Fransiska Lay, M.Si.", "Dekan FISIP Universitas Nusa Cendana")
SWITCH_COMMANDS = ("/as", "/sebagai")


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone to be at the terminal: `kind` is asn, hr or organizer; an ASN has a sample account."""

    kind: str
    telegram_user_id: int
    first_name: str
    last_name: str | None
    account: DemoAccount | None = None


def _asn(account: DemoAccount) -> Persona:
    first_name, _, last_name = account.name.partition(" ")
    return Persona("asn", account.telegram_user_id, first_name, last_name or None, account)


ASN_PERSONAS = [_asn(account) for account in DEMO_ACCOUNTS]
HR_PERSONA = Persona("hr", 880_101, "Yuliana", "Manafe")
ORGANIZER_PERSONA = Persona("organizer", 880_201, "Panitia", "FISIP Undana")
PERSONAS = [*ASN_PERSONAS, HR_PERSONA, ORGANIZER_PERSONA]


@dataclass(frozen=True, slots=True)
class Button:
    """A numbered button on the terminal: inline (pressed) or a reply-keyboard key (sent)."""

    text: str
    message_id: int | None = None
    callback_data: str | None = None
    request_contact: bool = False


class Terminal:
    """Reads lines from standard input without blocking the event loop; writes the chat."""

    def __init__(self, renderer: Renderer, lang: str) -> None:
        self.renderer = renderer
        self.lang = lang
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()

    def say(self, key: str, /, **values: object) -> None:
        """A line of the demo's own text."""
        self.write(self.renderer.label(key, self.lang, **values))

    @staticmethod
    def write(text: str) -> None:
        """Write text and a newline."""
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def prompt(self, text: str) -> None:
        """Write a prompt without a newline."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def attach(self) -> None:
        """Feed stdin lines into the queue (None at end of input)."""
        loop = asyncio.get_running_loop()

        def readable() -> None:
            line = sys.stdin.readline()
            if not line:
                loop.remove_reader(sys.stdin.fileno())
                self.lines.put_nowait(None)
                return
            self.lines.put_nowait(line.rstrip("\n"))

        loop.add_reader(sys.stdin.fileno(), readable)

    def detach(self) -> None:
        """Stop reading stdin."""
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(sys.stdin.fileno())


def run_demo(settings: Settings, *, database: Path | None) -> int:
    """Run the demo until /keluar, end of input or Ctrl-C; always exits cleanly."""
    logging.getLogger().setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt), tempfile.TemporaryDirectory(prefix="asn-demo-") as tmp:
        path = database or Path(tmp) / "demo.db"
        asyncio.run(_demo(settings, path))
    return 0


async def _demo(settings: Settings, path: Path) -> None:
    renderer = Renderer(settings.timezone)
    terminal = Terminal(renderer, settings.cli_language)
    terminal.say("demo.starting")
    database_url = f"sqlite+aiosqlite:///{path}"
    await _prepare_database(database_url, settings)
    async with LocalBotApi(token=DEMO_TOKEN, bot_username="asn_karier_demo_bot") as server:
        demo_settings = settings.model_copy(
            update={
                "telegram_bot_token": DEMO_TOKEN,
                "telegram_api_base_url": server.base_url,
                "database_url": database_url,
                "webhook_url": None,
            }
        )
        application = build_application(build_services(demo_settings))
        await start_polling(application)
        terminal.attach()
        try:
            persona = await _choose_persona(terminal)
            if persona is not None:
                await DemoChat(terminal, server, persona).run()
        finally:
            terminal.detach()
            await stop(application)
    terminal.say("demo.bye")


async def _prepare_database(url: str, settings: Settings) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with session_factory(engine)() as session:
            today = utcnow().astimezone(settings.timezone).date()
            await seed_demo(session, today=today, timezone=settings.timezone)
            await _staff(session)
    finally:
        await engine.dispose()


async def _staff(session: AsyncSession) -> None:
    """The HR officer's and the organizer's roles, and the university's certificate signer."""
    await roles.grant(session, telegram_user_id=HR_PERSONA.telegram_user_id, role=Role.HR)
    await roles.grant(
        session,
        telegram_user_id=ORGANIZER_PERSONA.telegram_user_id,
        role=Role.ORGANIZER,
        organizer=DEMO_ORGANIZER,
    )
    signer_name, signer_title = DEMO_SIGNER
    await organizer_settings.configure(
        session, name=DEMO_ORGANIZER, signer_name=signer_name, signer_title=signer_title
    )


async def _choose_persona(terminal: Terminal) -> Persona | None:
    terminal.say("demo.intro")
    for number, account in enumerate(DEMO_ACCOUNTS, start=1):
        terminal.say(
            "demo.account",
            number=number,
            name=account.name,
            position=account.position,
            unit=account.unit,
            nip=account.nip,
            phone="0" + account.phone[2:],
            note=f"\n      {account.note}" if account.note else "",
        )
    terminal.say("demo.staff_intro")
    for number, persona in enumerate((HR_PERSONA, ORGANIZER_PERSONA), start=len(DEMO_ACCOUNTS) + 1):
        terminal.say(f"demo.persona_{persona.kind}", number=number, organizer=DEMO_ORGANIZER)
    while True:
        terminal.prompt(terminal.renderer.label("demo.choose", terminal.lang, count=len(PERSONAS)))
        line = await terminal.lines.get()
        if line is None:
            return None
        if line.strip().isdigit() and 1 <= int(line) <= len(PERSONAS):
            terminal.say("demo.help")
            terminal.say("demo.switch_help")
            return PERSONAS[int(line) - 1]


class Buttons:
    """The buttons the person can press by number: the latest inline keyboard, then the reply keyboard."""

    def __init__(self) -> None:
        self.inline: list[Button] = []
        self.keyboard: list[Button] = []

    @property
    def numbered(self) -> list[Button]:
        """Inline buttons first, as they belong to the newest message."""
        return self.inline + self.keyboard

    def labelled(self, text: str) -> Button | None:
        """The inline button whose label is `text` (case and spacing aside), if one is shown."""
        wanted = " ".join(text.split()).casefold()
        return next((b for b in self.inline if " ".join(b.text.split()).casefold() == wanted), None)

    def update(self, message: BotMessage) -> None:
        """Take the buttons a bot message carries."""
        markup: dict[str, Any] = message.reply_markup or {}
        if "inline_keyboard" in markup:
            self.inline = [
                Button(key["text"], message_id=message.message_id, callback_data=key["callback_data"])
                for row in markup["inline_keyboard"]
                for key in row
                if "callback_data" in key
            ]
        elif not message.edited:
            self.inline = []
        if "keyboard" in markup:
            self.keyboard = [
                Button(key["text"], request_contact=bool(key.get("request_contact")))
                for row in markup["keyboard"]
                for key in row
            ]
        elif markup.get("remove_keyboard"):
            self.keyboard = []


class DemoChat:
    """The terminal as the phone of the current persona; `/as …` switches to another one."""

    def __init__(self, terminal: Terminal, server: LocalBotApi, persona: Persona) -> None:
        self.terminal = terminal
        self.server = server
        self.persona = persona
        self.asn = persona if persona.kind == "asn" else ASN_PERSONAS[0]
        self.buttons = Buttons()

    @property
    def phone(self) -> Phone:
        """The current persona's phone (the server keeps each user's chat)."""
        persona = self.persona
        return self.server.user(
            user_id=persona.telegram_user_id,
            first_name=persona.first_name,
            last_name=persona.last_name,
            language_code=self.terminal.lang,
        )

    async def run(self) -> None:
        """Read lines until /keluar or the end of input; send, press or switch."""
        you = self.terminal.renderer.label("demo.you", self.terminal.lang)
        while True:
            self.terminal.prompt(f"\n{you} ({self.persona.first_name}) › ")
            line = await self.terminal.lines.get()
            if line is None or line.strip() in ("/keluar", "/quit", "/exit"):
                return
            text = line.strip()
            if not text:
                continue
            if text.split()[0] in SWITCH_COMMANDS:
                self.switch(text.split()[1:])
                continue
            if await self.act(text):
                await _show_replies(self.terminal, self.phone, self.buttons)

    async def act(self, text: str) -> bool:
        """Press a numbered button, share the contact, or send the text; False when nothing was sent."""
        phone = self.phone
        labelled = self.buttons.labelled(text)
        if labelled is not None:
            await _press(phone, labelled, self.persona.account)
        elif text.isdigit() and len(text) <= 2:
            number = int(text)
            if not 1 <= number <= len(self.buttons.numbered):
                self.terminal.say("demo.no_button", number=number)
                return False
            await _press(phone, self.buttons.numbered[number - 1], self.persona.account)
        elif text.split()[0] == "/kontak":
            account = self.persona.account
            shared = text.split(maxsplit=1)[1] if " " in text else account.phone if account else ""
            if not shared:
                self.terminal.say("demo.no_phone")
                return False
            await phone.share_contact(shared)
        else:
            await phone.send(text)
        return True

    def switch(self, words: list[str]) -> None:
        """`/as asn [n]`, `/as hr`, `/as organizer`: become another persona (a fresh set of buttons)."""
        kind = _KINDS.get(words[0].lower()) if words else None
        number = words[1] if len(words) > 1 else None
        if kind is None or (number is not None and not (kind == "asn" and _asn_number(number))):
            self.terminal.say("demo.switch_help")
            return
        if number is not None:
            self.asn = ASN_PERSONAS[int(number) - 1]
        self.persona = {"asn": self.asn, "hr": HR_PERSONA, "organizer": ORGANIZER_PERSONA}[kind]
        self.buttons = Buttons()
        name = f"{self.persona.first_name} {self.persona.last_name or ''}".strip()
        self.terminal.say(
            f"demo.now_{kind}", name=name, telegram_id=self.persona.telegram_user_id, organizer=DEMO_ORGANIZER
        )


#: What `/as` understands (both languages' words for the organizer).
_KINDS = {"asn": "asn", "hr": "hr", "organizer": "organizer", "penyelenggara": "organizer"}


def _asn_number(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= len(ASN_PERSONAS)


async def _press(phone: Phone, button: Button, account: DemoAccount | None) -> None:
    if button.callback_data is not None:
        await phone.press(data=button.callback_data, message_id=button.message_id)
    elif button.request_contact and account is not None:
        await phone.share_contact(account.phone)
    else:
        await phone.send(button.text)


async def _show_replies(terminal: Terminal, phone: Phone, buttons: Buttons) -> None:
    """Print what the bot sent (waiting for the first answer, then for any that follow)."""
    try:
        replies = list(await phone.wait_replies(count=1, timeout=REPLY_TIMEOUT))
    except TimeoutError:
        terminal.say("demo.no_reply")
        return
    with contextlib.suppress(TimeoutError):
        while True:
            replies.extend(await phone.wait_replies(count=1, timeout=SETTLE))
    label = terminal.renderer.label
    for message in replies:
        heading = f"\n🤖 {label('demo.bot', terminal.lang)}"
        lines = [heading + (f" {label('demo.edited', terminal.lang)}" if message.edited else "")]
        if message.photo is not None:
            saved = _save(message.photo, f"foto-{message.message_id}.png")
            lines.append(label("demo.photo", terminal.lang, kb=len(message.photo) // 1024, path=saved))
        if message.document is not None:
            saved = _save(message.document, message.document_name or f"berkas-{message.message_id}")
            lines.append(label("demo.document", terminal.lang, kb=len(message.document) // 1024, path=saved))
        if message.plain_text:
            lines.append(message.plain_text)
        terminal.write("\n".join(lines))
        buttons.update(message)
    inline = [f"  [{n}] {b.text}" for n, b in enumerate(buttons.inline, start=1)]
    first_key = len(buttons.inline) + 1
    keys = "  ".join(f"[{n}] {b.text}" for n, b in enumerate(buttons.keyboard, start=first_key))
    terminal.write("\n".join([*inline, f"  ⌨ {keys}"] if keys else inline))


def _save(data: bytes, name: str) -> Path:
    """Keep a picture or file the bot sent where the person can open it."""
    folder = Path(tempfile.gettempdir()) / "asn-karier-demo"
    folder.mkdir(exist_ok=True)
    path = folder / Path(name).name
    path.write_bytes(data)
    return path
