"""Configuration: one settings object, read once from the environment and `.env`."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from db.outbox import QuietHours

DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{Path.cwd() / 'asn_karier.db'}"
#: `21-6`, also `21.00-06.00` or `21:00-06:00`: from one whole hour to another.
_QUIET_HOURS = re.compile(r"(\d{1,2})(?:[.:]00)?-(\d{1,2})(?:[.:]00)?")


CLI_LANGUAGES = ("id", "en")


@dataclass(frozen=True, slots=True)
class Problem:
    """One unusable value: its variable, pydantic's error type (the key of its translation in
    `messages/*/cli.toml`, `cli.config.<kind>`), the values that message names, and the
    English message."""

    variable: str
    kind: str
    values: dict[str, Any]
    message: str


class SettingsError(Exception):
    """The configuration is unusable; the message says which variable and why (in English;
    `problems` lets the command line say it in `CLI_LANGUAGE`)."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class _Language(BaseSettings):
    """`CLI_LANGUAGE` alone, so the command line speaks it even when other settings are bad."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    cli_language: str = "id"


class Settings(BaseSettings):
    """Every variable of the DESIGN.md contract, validated at start-up."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = DEFAULT_DATABASE_URL
    bot_timezone: str = "Asia/Makassar"
    bot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    broadcast_rate: float = Field(default=25, gt=0, le=1000)
    cli_language: Literal["id", "en"] = "id"

    jpm_threshold_memenuhi: float = Field(default=80, ge=0, le=100)
    jpm_threshold_masih_memenuhi: float = Field(default=68, ge=0, le=100)
    jp_target: int = Field(default=20, ge=1)
    link_code_ttl_hours: int = Field(default=72, ge=1)
    link_max_failures: int = Field(default=5, ge=1)
    link_lockout_minutes: int = Field(default=60, ge=1)
    cancellation_cutoff_hours: int = Field(default=24, ge=0)
    checkin_max_failures: int = Field(default=10, ge=1)
    checkin_lockout_minutes: int = Field(default=30, ge=1)
    outbox_retry_hours: float = Field(default=24, gt=0, le=24 * 30)
    #: office-time night when reminders, digests and nudges wait for the morning; empty: never
    quiet_hours: str = "21-6"
    #: the address the webhook server binds: loopback, behind the TLS reverse proxy (README)
    webhook_listen: str = "127.0.0.1"
    #: the largest webhook request body read (Telegram's updates are a few kilobytes)
    webhook_max_bytes: int = Field(default=1_048_576, ge=65_536, le=104_857_600)

    @field_validator("telegram_bot_token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value is not None and (":" not in value or not value.split(":", 1)[0].isdigit()):
            raise PydanticCustomError("token_shape", "expected the form 123456789:ABC… that @BotFather gives")
        return value

    @field_validator("telegram_api_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise PydanticCustomError("http_url", "must start with http:// or https://")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _ip_address(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "ip_address", "expected an IP address, e.g. 127.0.0.1 (or 0.0.0.0 for every interface)"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise PydanticCustomError(
                "async_driver", "use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise PydanticCustomError(
                "time_zone", "unknown time zone {zone}, e.g. Asia/Makassar", {"zone": repr(value)}
            ) from exc
        return value

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise PydanticCustomError(
                    "id_list", "expected Telegram user ids separated by commas, e.g. 12345,67890"
                )
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _hour_range(cls, value: str) -> str:
        value = value.replace(" ", "")
        if not value:
            return value
        found = _QUIET_HOURS.fullmatch(value)
        try:
            if found is None:
                raise ValueError(value)
            QuietHours(start=int(found[1]), end=int(found[2]), timezone=ZoneInfo("UTC"))
        except ValueError as exc:
            raise ValueError(
                "expected two different hours from 0 to 23, e.g. 21-6, or empty for none"
            ) from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.webhook_url and not self.webhook_secret:
            raise PydanticCustomError(
                "webhook_secret_missing", "WEBHOOK_SECRET is required when WEBHOOK_URL is set"
            )
        if self.jpm_threshold_masih_memenuhi > self.jpm_threshold_memenuhi:
            raise PydanticCustomError(
                "jpm_thresholds", "JPM_THRESHOLD_MASIH_MEMENUHI must not exceed JPM_THRESHOLD_MEMENUHI"
            )
        return self

    @cached_property
    def timezone(self) -> ZoneInfo:
        """The office time zone as a tzinfo."""
        return ZoneInfo(self.bot_timezone)

    @cached_property
    def quiet(self) -> QuietHours | None:
        """The quiet hours in office time, or None when `QUIET_HOURS` is empty."""
        found = _QUIET_HOURS.fullmatch(self.quiet_hours)
        if found is None:
            return None
        return QuietHours(start=int(found[1]), end=int(found[2]), timezone=self.timezone)


def cli_language() -> str:
    """`CLI_LANGUAGE` from the environment or `.env`, read before (and whatever becomes of) the
    other settings: Indonesian when unset or not one the command line speaks."""
    try:
        value = _Language().cli_language
    except ValidationError:
        return CLI_LANGUAGES[0]
    return value if value in CLI_LANGUAGES else CLI_LANGUAGES[0]


def load_settings() -> Settings:
    """Build the settings, turning validation errors into one readable message."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = tuple(
            Problem(
                variable=(".".join(str(p) for p in error["loc"]) or "configuration").upper(),
                kind=error["type"],
                values={"input": repr(error.get("input")), **error.get("ctx", {})},
                message=error["msg"],
            )
            for error in exc.errors()
        )
        lines = [f"  {problem.variable}: {problem.message}" for problem in problems]
        raise SettingsError("Invalid configuration:\n" + "\n".join(lines), problems) from exc
