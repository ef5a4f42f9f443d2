"""One module per `kdcl` subcommand; each has `register(subparsers)` and a `run(args) -> int`.

Modules listed in COMMANDS are added in this order; a new command is a new module plus one line here.
"""

COMMANDS = ["template", "kiem_tra", "demo", "nam_sau", "nhap_word", "tong_hop", "bao_cao"]
