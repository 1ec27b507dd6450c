"""Telegram's HTML parse mode: turn marked-up text into plain text plus message entities.

The parser follows tdlib's ``parse_html`` (the code behind the real Bot API) closely enough
that the same input fails with the same "can't parse entities" description.  In strict mode,
the default, it also rejects what the real server silently keeps as literal text: a bare
``&`` and named entities other than ``&lt; &gt; &amp; &quot;``.  Telegram's documentation says
both must be escaped, so a template that produces them is a bug worth catching in tests.
"""

import re
from dataclasses import dataclass

Entity = dict[str, str | int]

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_PLAIN_RUN = re.compile(r"[^<&]+")
_ALPHA_RUN = re.compile(r"[A-Za-z]*")
_ENTITY_NAME = re.compile(r"&#?[A-Za-z0-9]+;?")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_SPACES = " \t\n\r\f\v"
_MAX_CODE_POINT = 0x10FFFF


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's description."""


@dataclass(frozen=True, slots=True)
class FormattedText:
    """Text as a person reads it, with entities at UTF-16 offsets."""

    text: str
    entities: tuple[Entity, ...]


@dataclass(slots=True)
class _OpenTag:
    name: str
    argument: str
    offset: int
    position: int


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def trim(text: str, entities: tuple[Entity, ...] = ()) -> FormattedText:
    """Strip surrounding whitespace as Telegram does, shifting and clipping the entities."""
    stripped = text.strip()
    if stripped == text:
        return FormattedText(text, entities)
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        offset, length = int(entity["offset"]), int(entity["length"])
        start, end = max(offset - shift, 0), min(offset + length - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return FormattedText(stripped, tuple(kept))


def parse_html(source: str, *, strict: bool = True) -> FormattedText:
    """Parse ``source`` in HTML parse mode; raise EntityParseError like Telegram would."""
    if "<" not in source and "&" not in source:
        return trim(source)
    parser = _Parser(source, strict=strict)
    return trim(*parser.run())


def _byte_offset(source: str, position: int) -> int:
    return len(source[:position].encode("utf-8"))


class _Parser:
    """One pass over the source, mirroring tdlib's state machine."""

    def __init__(self, source: str, *, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.out: list[str] = []
        self.offset = 0
        self.open: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def run(self) -> tuple[str, tuple[Entity, ...]]:
        """Parse the whole source and return the plain text and sorted entities."""
        source, position = self.source, 0
        while position < len(source):
            char = source[position]
            if char == "&":
                position = self._entity(position)
            elif char == "<":
                if position + 1 < len(source) and source[position + 1] == "/":
                    position = self._end_tag(position)
                else:
                    position = self._start_tag(position)
            else:
                match = _PLAIN_RUN.match(source, position)
                assert match is not None
                self._append(match.group())
                position = match.end()
        if self.open:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"')
        entities = sorted(self.entities, key=lambda e: (int(e["offset"]), -int(e["length"])))
        return "".join(self.out), tuple(entities)

    def _append(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _error(self, message: str, position: int) -> EntityParseError:
        return EntityParseError(f"{message} at byte offset {_byte_offset(self.source, position)}")

    def _entity(self, position: int) -> int:
        decoded = _decode_entity(self.source, position)
        if decoded is not None:
            char, end = decoded
            self._append(char)
            return end
        if self.strict:
            name = _ENTITY_NAME.match(self.source, position)
            if name is not None:
                raise self._error(f'Unsupported HTML entity "{name.group()}"', position)
            raise self._error('Character "&" must be escaped as "&amp;"', position)
        self._append("&")
        return position + 1

    def _start_tag(self, begin: int) -> int:
        source = self.source
        position = begin + 1
        while position < len(source) and source[position] not in _SPACES and source[position] != ">":
            position += 1
        if position >= len(source):
            raise self._error("Unclosed start tag", begin)
        name = source[begin + 1 : position].lower()
        if name not in _ENTITY_TYPES:
            raise self._error(f'Unsupported start tag "{name}"', begin)
        argument = ""
        while source[position] != ">":
            position = _skip_spaces(source, position)
            if position >= len(source):
                raise self._error("Unclosed start tag", begin)
            if source[position] == ">":
                break
            attribute_begin = position
            while position < len(source) and source[position] not in _SPACES and source[position] not in "=>":
                position += 1
            attribute = source[attribute_begin:position].lower()
            if not attribute:
                raise self._error(f'Empty attribute name in the tag "{name}"', begin)
            position = _skip_spaces(source, position)
            if position >= len(source):
                raise self._error("Unclosed start tag", begin)
            if source[position] != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                continue
            position = _skip_spaces(source, position + 1)
            if position >= len(source):
                raise self._error(f'Unclosed start tag "{name}"', begin)
            value, position = self._attribute_value(position)
            if position >= len(source):
                raise self._error("Unclosed start tag", begin)
            argument = _tag_argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise self._error('Tag "span" must have class "tg-spoiler"', begin)
        if name == "tg-emoji" and not argument.isdigit():
            raise self._error('Tag "tg-emoji" must have a numeric "emoji-id" attribute', begin)
        self.open.append(_OpenTag(name, argument, self.offset, len(self.out)))
        return position + 1

    def _attribute_value(self, position: int) -> tuple[str, int]:
        source = self.source
        quote = source[position]
        if quote not in "'\"":
            match = _NAME_TOKEN.match(source, position)
            assert match is not None
            end = match.end()
            if end < len(source) and source[end] not in _SPACES and source[end] != ">":
                raise self._error("Unexpected end of name token", position)
            return match.group().lower(), end
        position += 1
        value: list[str] = []
        while position < len(source) and source[position] != quote:
            decoded = _decode_entity(source, position) if source[position] == "&" else None
            if decoded is not None:
                value.append(decoded[0])
                position = decoded[1]
            else:
                value.append(source[position])
                position += 1
        return "".join(value), position + 1

    def _end_tag(self, begin: int) -> int:
        source = self.source
        if not self.open:
            raise self._error("Unexpected end tag", begin)
        position = begin + 2
        while position < len(source) and source[position] not in _SPACES and source[position] != ">":
            position += 1
        end_name = source[begin + 2 : position].lower()
        position = _skip_spaces(source, position)
        if position >= len(source) or source[position] != ">":
            raise self._error("Unclosed end tag", begin)
        tag = self.open.pop()
        if end_name and end_name != tag.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        self._close(tag)
        return position + 1

    def _close(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if length <= 0:
            return
        entity: Entity = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset, "length": length}
        if tag.name == "a":
            url = tag.argument or "".join(self.out[tag.position :])
            if not url or any(c in _SPACES for c in url):
                return
            entity["url"] = url
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument == "expandable":
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code" and tag.argument:
            # Kept only until the enclosing <pre> closes and turns it into its language.
            entity["language"] = tag.argument
        elif tag.name == "pre" and self.entities:
            last = self.entities[-1]
            if last["type"] == "code" and last["offset"] == tag.offset and last["length"] == length:
                self.entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
        self.entities.append(entity)
        if tag.name == "code":
            self._drop_orphan_language()

    def _drop_orphan_language(self) -> None:
        """A language only belongs on <pre>; a lone <code class="language-x"> loses it."""
        entity = self.entities[-1]
        if "language" in entity and not any(tag.name == "pre" for tag in self.open):
            del entity["language"]


def _skip_spaces(source: str, position: int) -> int:
    while position < len(source) and source[position] in _SPACES:
        position += 1
    return position


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "expandable"
    return current


def _decode_entity(source: str, position: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``position`` (which holds ``&``) into (character, end)."""
    end = position + 1
    if source[end : end + 1] == "#":
        end += 1
        hexadecimal = source[end : end + 1] in ("x", "X")
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(source) and source[end] in digits:
            end += 1
        if end == start or end - start > 7:
            return None
        code = int(source[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= _MAX_CODE_POINT or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        match = _ALPHA_RUN.match(source, end)
        assert match is not None
        named = _NAMED_ENTITIES.get(match.group())
        if named is None:
            return None
        char, end = named, match.end()
    if source[end : end + 1] == ";":
        end += 1
    return char, end
