"""The bot's profile, its command menus and what it shows in a chat besides messages:
getMe, setMyCommands/getMyCommands/deleteMyCommands, getChat, sendChatAction, close and logOut.

Command lists are kept per scope (with its chat and user ids) and language, as Telegram
keys them.
"""

from typing import TYPE_CHECKING

from bot.local_api.checks import target_chat
from bot.local_api.models import JSONObject
from bot.local_api.params import ApiError, Params, ServerMethod, bad_request

if TYPE_CHECKING:
    from bot.local_api.server import LocalBotApi

#: A command list's key: its scope ("default", "chat:1001", ...) and language ("" for all).
CommandsKey = tuple[str, str]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


# Every method takes the server and the parameters, whether it reads them or not.
async def get_me(api: "LocalBotApi", params: Params) -> object:  # noqa: ARG001
    """getMe: the bot's user with its capabilities."""
    return {
        **api.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def set_my_commands(api: "LocalBotApi", params: Params) -> object:
    """setMyCommands: replace one command list (an empty list removes it)."""
    commands = params.json_list("commands", "bot commands")
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    checked = [_check_command(command) for command in commands]
    key = _commands_key(params)
    if checked:
        api.commands[key] = checked
    else:
        api.commands.pop(key, None)
    return True


async def get_my_commands(api: "LocalBotApi", params: Params) -> object:
    """getMyCommands: one command list, exactly as set."""
    return api.commands.get(_commands_key(params), [])


async def delete_my_commands(api: "LocalBotApi", params: Params) -> object:
    """deleteMyCommands."""
    api.commands.pop(_commands_key(params), None)
    return True


async def get_chat(api: "LocalBotApi", params: Params) -> object:
    """getChat: a private chat's full info."""
    chat = target_chat(api, params)
    return {
        **chat.profile.chat_dict(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


async def send_chat_action(api: "LocalBotApi", params: Params) -> object:
    """sendChatAction: "typing…" and the like, refused by a user who blocked the bot."""
    chat = target_chat(api, params)
    action = params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    refusal = api.faults.refusal(chat.profile.user_id)
    if refusal is not None:
        raise ApiError(403, refusal)
    chat.chat_actions.append(action)
    return True


async def close(api: "LocalBotApi", params: Params) -> object:  # noqa: ARG001
    """close and logOut: nothing to hand over to another server."""
    return True


METHODS: dict[str, ServerMethod] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "sendChatAction": send_chat_action,
    "close": close,
    "logOut": close,
}


def _commands_key(params: Params) -> CommandsKey:
    """("default", "id")-style key of a command list: scope (with chat/user ids) and language."""
    language = params.text("language_code") or ""
    if language and not (len(language) == 2 and language.isalpha() and language.islower()):
        raise bad_request("invalid language code specified")
    scope = params.json_object("scope", "bot command scope") or {"type": "default"}
    kind = scope.get("type")
    if kind not in COMMAND_SCOPES:
        raise bad_request("wrong bot command scope type specified")
    key = str(kind)
    if kind in ("chat", "chat_administrators", "chat_member"):
        key = f"{key}:{scope.get('chat_id')}"
    if kind == "chat_member":
        key = f"{key}:{scope.get('user_id')}"
    return key, language


def _check_command(command: object) -> JSONObject:
    if not isinstance(command, dict):
        raise bad_request("can't parse BotCommand: BotCommand must be an Object")
    name, description = command.get("command"), command.get("description")
    if (
        not isinstance(name, str)
        or not 1 <= len(name) <= 32
        or not all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in name)
    ):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": name, "description": description}
