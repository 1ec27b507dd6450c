"""`asn-bot demo`: the real bot, offline. It starts the local Bot API server, the bot
against it over HTTP (exactly as in production, through `TELEGRAM_API_BASE_URL`), loads
the Kupang sample data, and turns this terminal into a phone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import build_application, build_services, start_polling, stop
from bot.local_api import BotMessage, LocalBotApi, Phone
from bot.settings import Settings
from db.engine import create_engine, session_factory
from db.migrate import upgrade
from db.seed import DEMO_ACCOUNTS, DemoAccount, seed_demo
from db.types import utcnow
from messages import Renderer

DEMO_TOKEN = "700000001:DEMO-offline-token"
REPLY_TIMEOUT = 15.0
SETTLE = 0.4


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
            account = await _choose_account(terminal)
            if account is not None:
                await _chat(terminal, server, account)
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
    finally:
        await engine.dispose()


async def _choose_account(terminal: Terminal) -> DemoAccount | None:
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
    while True:
        terminal.prompt(terminal.renderer.label("demo.choose", terminal.lang, count=len(DEMO_ACCOUNTS)))
        line = await terminal.lines.get()
        if line is None:
            return None
        if line.strip().isdigit() and 1 <= int(line) <= len(DEMO_ACCOUNTS):
            terminal.say("demo.help")
            return DEMO_ACCOUNTS[int(line) - 1]


class Buttons:
    """The buttons the person can press by number: the latest inline keyboard, then the reply keyboard."""

    def __init__(self) -> None:
        self.inline: list[Button] = []
        self.keyboard: list[Button] = []

    @property
    def numbered(self) -> list[Button]:
        """Inline buttons first, as they belong to the newest message."""
        return self.inline + self.keyboard

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


async def _chat(terminal: Terminal, server: LocalBotApi, account: DemoAccount) -> None:
    first_name, _, last_name = account.name.partition(" ")
    phone = server.user(
        user_id=account.telegram_user_id,
        first_name=first_name,
        last_name=last_name or None,
        language_code=terminal.lang,
    )
    buttons = Buttons()
    you = terminal.renderer.label("demo.you", terminal.lang)
    while True:
        terminal.prompt(f"\n{you} › ")
        line = await terminal.lines.get()
        if line is None or line.strip() in ("/keluar", "/quit", "/exit"):
            return
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and len(text) <= 2:
            number = int(text)
            if not 1 <= number <= len(buttons.numbered):
                terminal.say("demo.no_button", number=number)
                continue
            await _press(phone, buttons.numbered[number - 1], account)
        elif text.split()[0] == "/kontak":
            shared = text.split(maxsplit=1)[1] if " " in text else account.phone
            await phone.share_contact(shared)
        else:
            await phone.send(text)
        await _show_replies(terminal, phone, buttons)


async def _press(phone: Phone, button: Button, account: DemoAccount) -> None:
    if button.callback_data is not None:
        await phone.press(data=button.callback_data, message_id=button.message_id)
    elif button.request_contact:
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
