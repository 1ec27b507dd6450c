"""User-facing text: Jinja2 templates in Indonesian (`id/`) and English (`en/`), and their renderer."""

from messages.renderer import LANGUAGES, Renderer, UnknownMessageError, pick_language

__all__ = ["LANGUAGES", "Renderer", "UnknownMessageError", "pick_language"]
