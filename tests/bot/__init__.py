"""Tests of the Telegram side that need no Bot API server: documents, the CLI, settings,
the request layer, the demo."""
