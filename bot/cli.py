"""The command line (`asn-bot …`, also `python -m bot`): run the bot, the offline demo,
migrations, sample data, imports and HR administration."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from tqdm import tqdm

from bot import admin_command, logs, report_command, webhook
from bot.app import ALLOWED_UPDATES, build_application, build_services, file_url, wait_for_bot_api, warm_up
from bot.cli_texts import CliTexts, parser_class
from bot.context import Services
from bot.dispatcher import Dispatcher
from bot.documents import exports
from bot.process import tune_gc
from bot.settings import Settings, SettingsError, cli_language, load_settings
from db import announcements, linking, outbox, registration, roles
from db.admin import HR_SCOPE, event_id_by_code, event_summary, record_export, registrants
from db.announcements import suggest
from db.engine import create_engine, session_factory
from db.identity import parse_nip
from db.imports import MAX_ERRORS, ImportKind, ImportRejected, ImportReport, import_file
from db.imports.schema import upgrade_if_behind
from db.migrate import upgrade
from db.models import Role
from db.seed import seed_demo
from db.types import utcnow
from messages import Renderer, UnknownMessageError

log = logging.getLogger("bot")
EXPORT_FORMATS = ("csv", "xlsx")


def _parser(texts: CliTexts) -> argparse.ArgumentParser:
    """The command line's arguments, its help and its errors in `texts`' language."""
    help_, metavar = texts.help, texts.metavar
    parser = parser_class(texts)(prog="asn-bot", description=help_("description"))
    parser.add_argument("-v", "--verbose", action="store_true", help=help_("verbose"))
    commands = parser.add_subparsers(dest="command", required=True, metavar=metavar("command"))
    commands.add_parser("run", help=help_("run"), description=help_("run"))
    demo = commands.add_parser("demo", help=help_("demo"), description=help_("demo"))
    demo.add_argument(
        "--database", type=Path, default=None, metavar=metavar("file"), help=help_("demo_database")
    )
    db = commands.add_parser("db", help=help_("db"), description=help_("db"))
    db.add_subparsers(dest="db_command", required=True, metavar=metavar("action")).add_parser(
        "upgrade", help=help_("db_upgrade"), description=help_("db_upgrade")
    )
    commands.add_parser("seed-demo", help=help_("seed_demo"), description=help_("seed_demo"))
    imp = commands.add_parser("import", help=help_("import"), description=help_("import"))
    kinds = [k.value for k in ImportKind]
    imp.add_argument(
        "kind", choices=kinds, metavar=metavar("kind"), help=help_("import_kind", choices=", ".join(kinds))
    )
    imp.add_argument("file", type=Path, metavar=metavar("file"), help=help_("import_file"))
    admin = commands.add_parser("admin", help=help_("admin"), description=help_("admin")).add_subparsers(
        dest="admin_command", required=True, metavar=metavar("action")
    )
    grant = admin.add_parser("grant", help=help_("admin_grant"), description=help_("admin_grant"))
    grant.add_argument(
        "telegram_id", type=int, metavar=metavar("telegram_id"), help=help_("grant_telegram_id")
    )
    roles = [r.value for r in Role]
    grant.add_argument(
        "role", choices=roles, metavar=metavar("role"), help=help_("grant_role", choices=", ".join(roles))
    )
    grant.add_argument("--organizer", metavar=metavar("organizer"), help=help_("grant_organizer"))
    code = admin.add_parser("link-code", help=help_("link_code"), description=help_("link_code"))
    code.add_argument("nip", metavar="NIP", help=help_("link_code_nip"))
    admin_command.add_parsers(admin, texts)
    _add_export(commands, texts)
    _add_broadcast(commands, texts)
    report_command.add_parser(commands, texts)
    verify = commands.add_parser("verify", help=help_("verify"), description=help_("verify"))
    verify.add_argument("code", metavar=metavar("code"), help=help_("verify_code"))
    return parser


def _add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser], texts: CliTexts) -> None:
    """`asn-bot export registrations EVENT_CODE [--format csv|xlsx] [-o FILE]`."""
    help_ = texts.help
    export = commands.add_parser("export", help=help_("export"), description=help_("export"))
    what = export.add_subparsers(dest="export_command", required=True, metavar=texts("cli.metavar.what"))
    registrations = what.add_parser(
        "registrations", help=help_("export_registrations"), description=help_("export_registrations")
    )
    registrations.add_argument(
        "event_code", metavar=texts("cli.metavar.event_code"), help=help_("export_event_code")
    )
    registrations.add_argument(
        "--format", choices=EXPORT_FORMATS, default="csv", dest="file_format", help=help_("export_format")
    )
    registrations.add_argument("-o", "--output", metavar=texts.metavar("file"), help=help_("export_output"))


def _add_broadcast(commands: argparse._SubParsersAction[argparse.ArgumentParser], texts: CliTexts) -> None:
    """`asn-bot broadcast`: the announcement and its audience filters."""
    help_, metavar = texts.help, texts.metavar
    send = commands.add_parser("broadcast", help=help_("broadcast"), description=help_("broadcast"))
    body = send.add_mutually_exclusive_group(required=True)
    body.add_argument("--text", metavar=metavar("text"), help=help_("broadcast_text"))
    body.add_argument("--file", type=Path, metavar=metavar("file"), help=help_("broadcast_file"))
    send.add_argument(
        "--unit", action="append", default=[], metavar=metavar("unit"), help=help_("broadcast_unit")
    )
    send.add_argument(
        "--position-type",
        action="append",
        default=[],
        metavar=metavar("position_type"),
        help=help_("broadcast_position_type"),
    )
    send.add_argument(
        "--rank", action="append", default=[], metavar=metavar("rank"), help=help_("broadcast_rank")
    )
    send.add_argument("--event", metavar=metavar("event_code"), help=help_("broadcast_event"))
    send.add_argument("--gap", metavar=metavar("competency"), help=help_("broadcast_gap"))
    send.add_argument("--below-jp", action="store_true", help=help_("broadcast_below_jp"))
    send.add_argument("--at", metavar=metavar("time"), help=help_("broadcast_at"))
    send.add_argument("--dry-run", action="store_true", help=help_("broadcast_dry_run"))


class Cli:
    """One command-line invocation: settings, output language, and the command's work."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.renderer = Renderer(settings.timezone)

    def say(self, key: str, /, **values: object) -> None:
        """Write a line of text (from messages/*/labels.toml) to standard output."""
        sys.stdout.write(self.renderer.label(key, self.settings.cli_language, **values) + "\n")

    def fail(self, key: str, /, **values: object) -> int:
        """Write an error line to standard error; returns the exit status."""
        sys.stderr.write(self.renderer.label(key, self.settings.cli_language, **values) + "\n")
        return 1

    async def db_upgrade(self) -> int:
        """`asn-bot db upgrade`."""
        engine = create_engine(self.settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        self.say("cli.db_upgraded")
        return 0

    async def seed(self) -> int:
        """`asn-bot seed-demo`."""
        engine = create_engine(self.settings.database_url)
        try:
            await upgrade(engine)
            async with session_factory(engine)() as session:
                today = utcnow().astimezone(self.settings.timezone).date()
                summary = await seed_demo(session, today=today, timezone=self.settings.timezone)
        finally:
            await engine.dispose()
        self.say("cli.seeded", units=summary.units, employees=summary.employees, events=summary.events)
        return 0

    def import_(self, kind: str, path: Path) -> int:
        """`asn-bot import KIND FILE`."""
        if not path.is_file():
            return self.fail("cli.file_missing", path=path)
        return asyncio.run(self._import(kind, path))

    async def _import(self, kind: str, path: Path) -> int:
        engine = create_engine(self.settings.database_url)
        try:
            if await upgrade_if_behind(engine):
                self.say("cli.import_upgraded")
            async with session_factory(engine)() as session:
                report = await import_file(
                    session, kind=ImportKind(kind), path=path, timezone=self.settings.timezone
                )
        except ImportRejected as rejected:
            return self._rejected(rejected)
        finally:
            await engine.dispose()
        self._imported(report)
        return 0

    def _imported(self, report: ImportReport) -> None:
        """A done import: what it did, in words naming the kind, and the events on a day off."""
        lang = self.settings.cli_language
        self.say(
            "cli.import_ok",
            kind=self.renderer.label(f"import.kind.{report.kind}", lang),
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
        )
        if report.days_off:
            self.say("cli.import_days_off")
        for warning in report.days_off[:MAX_ERRORS]:
            holiday = warning.holiday(lang)
            day = self.renderer.format_date(warning.day, lang)
            key = "cli.import_sunday" if holiday is None else "cli.import_holiday"
            self.say(key, line=warning.line, code=warning.code, day=day, holiday=holiday)
        if len(report.days_off) > MAX_ERRORS:
            self.say("cli.import_more_days_off", count=len(report.days_off) - MAX_ERRORS)

    def _rejected(self, rejected: ImportRejected) -> int:
        """A refused import: the counts, the first problems by line, and what was left unchecked."""
        if not rejected.bad_rows:
            self.fail("cli.import_rejected_file")
        elif rejected.bad_rows > 1:
            self.fail("cli.import_rejected", problems=rejected.problems, rows=rejected.bad_rows)
        else:
            single = "cli.import_rejected_one" if rejected.problems == 1 else "cli.import_rejected_one_row"
            self.fail(single, problems=rejected.problems)
        for error in rejected.errors:
            column = f" ({error.column})" if error.column else ""
            key = "cli.import_row" if error.line > 0 else "cli.import_file_error"
            reason = self.renderer.label(error.label, self.settings.cli_language, **error.values)
            self.fail(key, line=error.line, column=column, reason=reason)
        if rejected.problems > len(rejected.errors):
            self.fail("cli.import_more", count=rejected.problems - len(rejected.errors))
        if rejected.unchecked:
            self.fail("cli.import_stopped", limit=MAX_ERRORS, count=rejected.unchecked)
        return 1

    async def grant(self, telegram_id: int, role: str, organizer: str | None) -> int:
        """`asn-bot admin grant TELEGRAM_ID ROLE [--organizer NAME]` (organizers need the name)."""
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                created = await roles.grant(
                    session, telegram_user_id=telegram_id, role=Role(role), organizer=organizer
                )
        except roles.OrganizerMissing:
            return self.fail("cli.organizer_required")
        finally:
            await engine.dispose()
        self.say("cli.granted" if created else "cli.already_granted", role=role, telegram_id=telegram_id)
        return 0

    async def link_code(self, raw_nip: str) -> int:
        """`asn-bot admin link-code NIP`."""
        nip = parse_nip(raw_nip)
        if nip is None:
            return self.fail("cli.nip_invalid", nip=raw_nip)
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                issued = await linking.issue_code(
                    session,
                    nip=nip.value,
                    now=utcnow(),
                    ttl=timedelta(hours=self.settings.link_code_ttl_hours),
                )
        finally:
            await engine.dispose()
        if issued is None:
            return self.fail("cli.nip_unknown", nip=nip.value)
        code, expires_at = issued
        expires = self.renderer.format_datetime(expires_at, self.settings.cli_language)
        self.say("cli.link_code", nip=nip.value, code=code, expires=expires)
        return 0

    async def export_registrations(self, event_code: str, file_format: str, output: str | None) -> int:
        """`asn-bot export registrations EVENT_CODE [--format csv|xlsx] [-o FILE]` (HR: full NIPs)."""
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                event_id = await event_id_by_code(session, code=event_code)
                event = (
                    await event_summary(session, scope=HR_SCOPE, event_id=event_id)
                    if event_id is not None
                    else None
                )
                if event is None:
                    return self.fail("cli.export_unknown_event", code=event_code)
                found = await registrants(session, scope=HR_SCOPE, event_id=event.id) or []
                record_export(session, actor=None, event_id=event.id, file_format=file_format)
                await session.commit()
        finally:
            await engine.dispose()
        timezone, lang = self.settings.timezone, self.settings.cli_language
        content = (
            exports.registrants_csv(found, timezone, renderer=self.renderer, lang=lang)
            if file_format == "csv"
            else exports.registrants_xlsx(
                found, timezone, sheet=event.code, renderer=self.renderer, lang=lang
            )
        )
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
            return 0
        path = Path(output) if output else Path(exports.filename(event.code, file_format))
        path.write_bytes(content)
        self.say("cli.exported", count=len(found), code=event.code, path=path)
        return 0

    async def verify(self, code: str) -> int:
        """`asn-bot verify CODE`: exit 0 when the certificate is genuine, 1 when not."""
        engine = create_engine(self.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                found = await registration.verify_certificate(session, code=code)
        finally:
            await engine.dispose()
        if found is None:
            return self.fail("cli.verify_not_genuine", code=code.strip())
        lang = self.settings.cli_language
        dates = (
            f"{self.renderer.format_datetime(found.starts_at, lang)} – "
            f"{self.renderer.format_datetime(found.ends_at, lang)}"
        )
        self.say(
            "cli.verify_genuine",
            code=found.code,
            name=found.employee_name,
            nip=found.nip,
            title=found.event_title,
            event_code=found.event_code,
            organizer=found.organizer,
            dates=dates,
            jp=found.jp,
        )
        return 0

    def broadcast(self, args: argparse.Namespace) -> int:
        """`asn-bot broadcast …`: count and preview, then queue and (now) send with a progress bar."""
        text = args.text if args.text is not None else args.file.read_text(encoding="utf-8")
        if not text.strip():
            return self.fail("cli.broadcast_empty")
        at: datetime | None = None
        if args.at is not None:
            at = announcements.parse_when(args.at, timezone=self.settings.timezone)
            if at is None:
                return self.fail("cli.broadcast_bad_time", value=args.at)
        audience = announcements.Audience(
            units=tuple(args.unit),
            position_types=tuple(args.position_type),
            ranks=tuple(args.rank),
            event_code=args.event,
            gap_competency=args.gap,
            below_jp=args.below_jp,
        )
        return asyncio.run(
            self.send_broadcast(text=text.strip(), audience=audience, at=at, dry_run=args.dry_run)
        )

    async def send_broadcast(
        self, *, text: str, audience: announcements.Audience, at: datetime | None, dry_run: bool
    ) -> int:
        """Queue the announcement; unless scheduled for later, dispatch it here until it is done."""
        services = build_services(self.settings)
        now = services.clock()
        year, target = now.astimezone(self.settings.timezone).year, self.settings.jp_target
        try:
            if at is not None and at <= now:
                when = self.renderer.format_datetime(at, self.settings.cli_language)
                return self.fail("cli.broadcast_past_time", value=when)
            async with services.sessions() as session:
                unknown = await suggest.unknown_values(session, audience=audience)
                if unknown:
                    return self._unknown_filters(unknown)
                recipients = await announcements.count(session, audience=audience, year=year, target=target)
                self.say("cli.broadcast_count", count=recipients)
                missing = await suggest.unlinked(session, audience=audience, year=year, target=target)
                if missing:
                    self.say("cli.broadcast_unlinked", count=missing)
                self.say("cli.broadcast_preview", text=text)
                if recipients == 0:
                    self.say("cli.broadcast_nobody")
                if dry_run or recipients == 0:
                    return 0
                announcement = await announcements.announce(
                    session, text=text, audience=audience, due_at=at or now, now=now, year=year, target=target
                )
            if at is not None and at > now:
                self.say(
                    "cli.broadcast_scheduled",
                    when=self.renderer.format_datetime(at, self.settings.cli_language),
                )
                return 0
            if self.settings.telegram_bot_token is None:
                self.say("cli.broadcast_queued")
                return 0
            return await self._dispatch(services, announcement.id)
        finally:
            await services.engine.dispose()

    def _unknown_filters(self, unknown: list[suggest.Unknown]) -> int:
        """A broadcast refused for filter values that match nothing, each with the closest known."""
        for item in unknown:
            self.fail(f"cli.broadcast_unknown.{item.kind}", value=item.value)
            if item.closest:
                self.fail("cli.broadcast_closest", values=", ".join(item.closest))
            else:
                self.fail("cli.broadcast_none_known")
        return self.fail("cli.broadcast_refused")

    async def _dispatch(self, services: Services, announcement_id: int) -> int:
        assert self.settings.telegram_bot_token is not None
        bot = Bot(
            self.settings.telegram_bot_token,
            base_url=self.settings.telegram_api_base_url,
            base_file_url=file_url(self.settings.telegram_api_base_url),
        )
        async with bot:
            sender = Dispatcher(services, bot)
            async with services.sessions() as session:
                progress = await outbox.progress(session, announcement_id=announcement_id)
            with tqdm(total=progress.total, unit="msg", file=sys.stdout) as bar:
                while not progress.finished:
                    if await sender.run_once() == 0:
                        await asyncio.sleep(0.5)
                    async with services.sessions() as session:
                        progress = await outbox.progress(session, announcement_id=announcement_id)
                    bar.update(progress.sent + progress.failed + progress.skipped - bar.n)
        self.say("cli.broadcast_done", sent=progress.sent, failed=progress.failed, skipped=progress.skipped)
        return 0

    def _reason(self, error: TelegramError) -> str:
        """The Bot API's error on one line, without the token."""
        return " ".join(error.message.split()).replace(self.settings.telegram_bot_token or "\0", "<secret>")

    def _unreachable(self, attempt: int, delay: float, error: NetworkError) -> None:
        """One line on standard error for each failed attempt to reach the Bot API."""
        url, reason = self.settings.telegram_api_base_url, self._reason(error)
        self.fail("cli.run_unreachable", url=url, reason=reason, delay=f"{delay:g}", attempt=attempt)

    def run(self) -> int:
        """`asn-bot run`: migrations, then polling or webhook until SIGINT/SIGTERM."""
        if self.settings.telegram_bot_token is None:
            return self.fail("cli.no_token")
        asyncio.run(self.db_upgrade())
        try:
            asyncio.run(wait_for_bot_api(self.settings, on_retry=self._unreachable))
        except KeyboardInterrupt:
            self.say("cli.run_stopped")
            return 0
        except InvalidToken as exc:
            return self.fail("cli.run_refused", reason=self._reason(exc))
        services = build_services(self.settings)
        application = build_application(services)
        warm_up(services)
        if self.settings.webhook_url:
            self.say("cli.running_webhook", url=self.settings.webhook_url, port=self.settings.webhook_port)
            asyncio.run(webhook.run(application, webhook.WebhookConfig.of(self.settings)))
        else:
            self.say("cli.running_polling")
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return 0


def _configuration_error(texts: CliTexts, error: SettingsError) -> str:
    """Why the settings are unusable, in `CLI_LANGUAGE` (pydantic's English for what `cli.toml`
    has no words for)."""
    lines = [texts("cli.config_error")]
    for problem in error.problems:
        try:
            # pydantic joins the allowed values with an English "or": list them instead
            values = problem.values | {"expected": str(problem.values.get("expected")).replace(" or ", ", ")}
            reason = texts(f"cli.config.{problem.kind}", **values)
        except (UnknownMessageError, KeyError):
            reason = problem.message
        lines.append(texts("cli.config.problem", variable=problem.variable, reason=reason))
    return "\n".join(lines) if error.problems else str(error)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `asn-bot`."""
    texts = CliTexts(cli_language())
    args = _parser(texts).parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        sys.stderr.write(_configuration_error(texts, exc) + "\n")
        return 2
    logs.configure(
        verbose=args.verbose, secrets=(settings.telegram_bot_token or "", settings.webhook_secret or "")
    )
    tune_gc()
    cli = Cli(settings)
    match args.command:
        case "run":
            return cli.run()
        case "demo":
            from bot.demo import run_demo

            return run_demo(settings, database=args.database)
        case "db":
            return asyncio.run(cli.db_upgrade())
        case "seed-demo":
            return asyncio.run(cli.seed())
        case "import":
            return cli.import_(args.kind, args.file)
        case "admin" if args.admin_command == "grant":
            return asyncio.run(cli.grant(args.telegram_id, args.role, args.organizer))
        case "admin" if args.admin_command == "link-code":
            return asyncio.run(cli.link_code(args.nip))
        case "admin":
            return asyncio.run(admin_command.AdminCommand(settings).run(args))
        case "export":
            return asyncio.run(cli.export_registrations(args.event_code, args.file_format, args.output))
        case "verify":
            return asyncio.run(cli.verify(args.code))
        case "broadcast":
            return cli.broadcast(args)
        case "report":
            return asyncio.run(report_command.run(settings, args))
    return 2
