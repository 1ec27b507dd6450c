"""User-facing text: Jinja2 templates in Indonesian (`id/`) and English (`en/`), and their renderer."""

from messages.renderer import LANGUAGES, Renderer, UnknownMessage, pick_language

__all__ = ["LANGUAGES", "Renderer", "UnknownMessage", "pick_language"]
