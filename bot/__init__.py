"""The Telegram side of ASN Karier.

`app` builds the python-telegram-bot application in one place (settings → services →
handlers → jobs); `handlers` holds the features, built on the small toolkit in `ui`
(callback codec, role-checked routers, typed-input flows, pages, keyboards); `documents`
makes the files the bot hands over; `dispatcher` and `jobs` send the outbox and run the
scheduled work; `cli` is the command line and `demo` the terminal chat; `local_api` is the
offline Bot API server they use (and nothing else in the bot imports it); `ptb_private` is
the one module that touches python-telegram-bot's private API.
"""
