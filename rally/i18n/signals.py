"""What the languages room announces: the rooms that keep an account connect receivers
(the app factory imports them), so this room needs not know them."""

from blinker import Namespace

_signals = Namespace()

#: A visitor picked a language with the switch. Sender: the app; ``code``: the language.
#: Receivers keep it as the preference of whoever is logged in (a staff account, a
#: visitor's account), for the e-mails sent to them later. Sent by
#: :func:`rally.i18n.views.switch`, which commits.
language_chosen = _signals.signal("language-chosen")
