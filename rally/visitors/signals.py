"""What the visitors room announces to the rooms above it: receivers are connected by the
rooms that hold something of an account (the lottery its entries; the app factory imports
them), so this room needs not know them."""

from blinker import Namespace

_signals = Namespace()

#: An account is being deleted: its row is locked for update, its card not let go yet.
#: Sender: the visitor. Each receiver withdraws what the account may lose and returns
#: ``(withdrawn, kept)``: how many things it took back, and how many must stay (any keeps
#: the account's row as an empty shell, without address or password). Sent by
#: :func:`rally.visitors.operations.delete_account`.
account_deleting = _signals.signal("account-deleting")

#: The delete page asks what deleting the account would withdraw. Sender: the visitor.
#: Each receiver returns how many (the lottery: entries not drawn yet). Sent by
#: :func:`rally.visitors.operations.open_lottery_entries`.
counting_withdrawals = _signals.signal("counting-withdrawals")

#: A visitor logs out (the logout request, still logged in). Sender: the visitor. Receivers
#: may read the request (its cookies, its form) to know which device this is: Web Push
#: forgets this browser's subscription, so a shared tablet does not keep receiving the
#: previous account's messages. Sent by :func:`rally.visitors.views.logout`.
logging_out = _signals.signal("logging-out")

#: A visitor's password was reset from the e-mailed link (how someone locks out a lost
#: phone: its card key is changed in the same transaction). Sender: the visitor. Web Push
#: forgets every device of the account, so the lost phone stops showing its messages. Sent
#: by :func:`rally.visitors.operations.reset_password`.
password_reset = _signals.signal("password-reset")
