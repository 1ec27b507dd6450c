"""`asn-bot admin list | revoke TELEGRAM_ID [ROLE] | organizer NAME [--signer-name …]
[--signer-title …] [--review|--no-review]`: who holds which role, taking a role away, and an
organizer's settings (`db.roles`, `db.organizer_settings`). Runs on HR's server: no actor id."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli_texts import CliTexts
from bot.settings import Settings
from db import organizer_settings, roles
from db.engine import create_engine, session_factory
from db.models import Role
from db.organizer_settings import OrganizerSettings
from messages import Renderer

T = TypeVar("T")


def add_parsers(admin: argparse._SubParsersAction[argparse.ArgumentParser], texts: CliTexts) -> None:
    """The `admin list`, `admin revoke` and `admin organizer` actions' arguments."""
    help_, metavar = texts.help, texts.metavar
    admin.add_parser("list", help=help_("admin_list"), description=help_("admin_list"))
    revoke = admin.add_parser("revoke", help=help_("admin_revoke"), description=help_("admin_revoke"))
    revoke.add_argument(
        "telegram_id", type=int, metavar=metavar("telegram_id"), help=help_("grant_telegram_id")
    )
    roles = [r.value for r in Role]
    revoke.add_argument(
        "role",
        nargs="?",
        choices=roles,
        metavar=metavar("role"),
        help=help_("revoke_role", choices=", ".join(roles)),
    )
    organizer = admin.add_parser(
        "organizer", help=help_("admin_organizer"), description=help_("admin_organizer")
    )
    organizer.add_argument("name", metavar=metavar("organizer"), help=help_("grant_organizer"))
    organizer.add_argument("--signer-name", metavar=metavar("name"), help=help_("signer_name"))
    organizer.add_argument("--signer-title", metavar=metavar("title"), help=help_("signer_title"))
    review = organizer.add_mutually_exclusive_group()
    review.add_argument(
        "--review", dest="review", action="store_true", default=None, help=help_("organizer_review")
    )
    review.add_argument("--no-review", dest="review", action="store_false", help=help_("organizer_no_review"))


class AdminCommand:
    """One `asn-bot admin …` action against the configured database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.renderer = Renderer(settings.timezone)
        self.lang = settings.cli_language

    def say(self, key: str, /, **values: object) -> None:
        """A line of text on standard output."""
        sys.stdout.write(self.renderer.label(key, self.lang, **values) + "\n")

    def fail(self, key: str, /, **values: object) -> int:
        """A line on standard error; the exit status."""
        sys.stderr.write(self.renderer.label(key, self.lang, **values) + "\n")
        return 1

    async def _in_session(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    async def run(self, args: argparse.Namespace) -> int:
        """Dispatch on the action."""
        match args.admin_command:
            case "list":
                return await self.list_roles()
            case "revoke":
                return await self.revoke(args.telegram_id, Role(args.role) if args.role else None)
            case _:
                return await self.organizer(args.name, args.signer_name, args.signer_title, args.review)

    async def list_roles(self) -> int:
        """`asn-bot admin list`."""
        configured = self.settings.bot_admin_ids
        found = await self._in_session(lambda session: roles.holders(session, configured_hr=configured))
        if not found:
            self.say("cli.roles_none")
            return 0
        self.say("cli.roles_heading", count=len(found))
        for holder in found:
            notes = [holder.organizer or "", holder.employee_name or ""]
            if holder.configured:
                notes.append(self.renderer.label("cli.roles_configured", self.lang))
            elif holder.granted_at is not None:
                since = self.renderer.format_date(holder.granted_at, self.lang, "d MMM y")
                notes.append(self.renderer.label("cli.roles_since", self.lang, date=since))
            self.say(
                "cli.roles_line",
                role=self.renderer.label(f"role.{holder.role.value}", self.lang),
                telegram_id=holder.telegram_user_id,
                notes=" · ".join(note for note in notes if note),
            )
        return 0

    async def revoke(self, telegram_id: int, role: Role | None) -> int:
        """`asn-bot admin revoke TELEGRAM_ID [ROLE]`."""
        taken = await self._in_session(
            lambda session: roles.revoke(session, telegram_user_id=telegram_id, role=role)
        )
        if not taken:
            return self.fail("cli.revoke_none", telegram_id=telegram_id)
        names = ", ".join(self.renderer.label(f"role.{r.value}", self.lang) for r in taken)
        self.say("cli.revoked", roles=names, telegram_id=telegram_id)
        if telegram_id in self.settings.bot_admin_ids:
            self.say("cli.revoke_configured", telegram_id=telegram_id)
        return 0

    async def organizer(
        self, name: str, signer_name: str | None, signer_title: str | None, review: bool | None
    ) -> int:
        """`asn-bot admin organizer NAME …`: change what is given, then show the settings."""
        if not name.strip():
            return self.fail("cli.organizer_missing")
        if signer_name is None and signer_title is None and review is None:
            found = await self._in_session(lambda session: organizer_settings.settings(session, name=name))
            if found is None:
                return self.fail("cli.organizer_unknown", name=name.strip())
        else:
            found = await self._in_session(
                lambda session: organizer_settings.configure(
                    session,
                    name=name,
                    signer_name=signer_name,
                    signer_title=signer_title,
                    review_required=review,
                )
            )
        self._show(found)
        return 0

    def _show(self, found: OrganizerSettings) -> None:
        unset = self.renderer.label("cli.organizer_unset", self.lang)
        self.say(
            "cli.organizer_settings",
            name=found.name,
            signer_name=found.signer_name or unset,
            signer_title=found.signer_title or unset,
            review=self.renderer.label(
                "cli.organizer_review_on" if found.review_required else "cli.organizer_review_off", self.lang
            ),
            holders=found.holders,
        )
