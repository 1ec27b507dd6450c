"""The domain: SQLAlchemy models, the engine, migrations, and the operations of every feature
as plain async functions over a session, with no Telegram imports.

One module or package per noun: `accounts`, `linking` and `conversation` (who is asking,
proving it, and what their next message is for); `identity` and `regulation` (NIP, ranks,
position types and the competency regulation's facts); `competency`, `learning`, `catalog`;
`registration` and `events` (seats, waitlist, approval, merit allocation, check-in, ratings,
certificates; HR's changes); `announcements`, `outbox`, `reminders`, `deadlines` and `notify`
(what the bot sends, and when); `imports`, `seed` and `sample/` (HR's files); `admin` and
`audit` (HR's views and the record of what they did).
"""
