"""The bot's small UI toolkit, used by every feature in `bot.handlers`:

- `callbacks`: the one codec of callback data (`prefix:action[:arg…]`, at most 64 bytes);
- `router`: a feature registers its buttons once, with the role they need, and its actions
  receive a `Press` whose caller has already been checked;
- `flows`: the one table of typed-input flows (what a user's next message is for), through
  which the text handler dispatches;
- `pages`: page arithmetic and ◀ ▶ rows;
- `keyboards`: buttons labelled from `messages/`, the main menu and the shared keyboards.
"""
