"""The python-telegram-bot internals the bot relies on, in one place.

PTB keeps these names in underscore modules, outside its stability promise: any release may
move or change them.  Each is here because no public name does the job, and nothing else in
the project imports a ``telegram._*`` module (tests/test_layering.py checks that).

- ``RequestParameter`` (``telegram.request._requestparameter``): one parameter of a
  ``RequestData``.  ``bot.delivery`` posts sendMessage/sendPhoto/sendDocument/editMessageText/
  answerCallbackQuery itself, skipping ``Bot.send_*`` and friends, whose argument building and
  ``Message`` parsing were most of the CPU of a send: through ``AiohttpRequest.post_json``
  when the bot's request layer is the project's, else with ``bot.request.post`` and a
  ``RequestData`` of these.  It relies on the constructor ``RequestParameter(name=, value=,
  input_files=)``, on a text value being posted as it is (so a value JSON-encoded once by
  ``bot.delivery._encoded`` is what PTB's ``from_input`` would have posted), and on
  ``RequestData`` reading them into ``json_parameters``.
- ``DefaultValue`` (``telegram._utils.defaultvalue``): PTB's "not given" marker.
  ``bot.request.AiohttpRequest.do_request`` receives it for each timeout its caller left out
  and then uses its own; it relies on ``BaseRequest.DEFAULT_NONE`` being a ``DefaultValue``
  and on ``do_request``'s timeouts defaulting to it.
- ``ODVInput`` (``telegram._utils.types``): the type of those timeouts, ``DefaultValue``, a
  value or None, so that ``do_request`` keeps ``BaseRequest``'s signature under mypy.

On a PTB upgrade run tests/bot/test_ptb_private.py first: it fails when one of these moved or
changed shape.  Then find the name's new home (or a public replacement) and change only this
module; if the shape changed, fix bot/dispatcher.py or bot/request.py to match.
"""

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.request._requestparameter import RequestParameter

__all__ = ["DefaultValue", "ODVInput", "RequestParameter"]
