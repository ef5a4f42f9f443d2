"""argparse in Vietnamese: help, usage and every argument error, with texts from messages/errors.yaml.

Why argparse and not click/typer: argparse is in the standard library (nothing more to install for the
xlwings button's Python), kdcl already uses it for eight commands, and its few English strings are
stable msgids of Python's own translation catalogue. This parser replaces them without touching
process-wide state (no gettext install, no patching of argparse): the help's titles, usage prefix and
help option are set on each parser; an error's English sentence is matched against the msgids (as
patterns) and re-rendered from the Vietnamese text with the same fields.
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import cache
from typing import Any, NoReturn

from xlbridge.errors import KdclError, exit_code, exit_codes, render


@cache
def texts() -> dict[str, Any]:
    from xlbridge.data.files import find, load_yaml
    return load_yaml(find("messages", "errors.yaml"))["command_line"]


def _pattern(msgid: str) -> re.Pattern[str]:
    """An argparse msgid as a regular expression: %(name)s / %(name)r → a named group, %s → {0}, {1}, …"""
    parts, index = [], 0
    for piece in re.split(r"(%\(\w+\)[sr]|%[sr])", msgid):
        if piece.startswith("%("):
            parts.append(f"(?P<{piece[2:-2]}>.+?)")
        elif piece in ("%s", "%r"):
            parts.append(f"(?P<_{index}>.+?)")
            index += 1
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts) + r"\Z", re.S)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def translate(message: str) -> str:
    """argparse's English error sentence in Vietnamese (unchanged if it is already kdcl's own)."""
    t = texts()
    for msgid, vietnamese in t["messages"].items():
        match = _pattern(msgid).match(message)
        if not match:
            continue
        named = {k: v for k, v in match.groupdict().items() if not k.startswith("_")}
        numbered = [v for k, v in sorted(match.groupdict().items()) if k.startswith("_")]
        if "message" in named:
            named["message"] = translate(named["message"])
        if "type" in named:
            named["type"] = t["types"].get(named["type"], named["type"])
        if "value" in named:
            named["value"] = _unquote(named["value"])
        if "choices" in named:
            named["choices"] = ", ".join(_unquote(c) for c in named["choices"].split(","))
        return vietnamese.format(*[_unquote(v) for v in numbered], **named)
    return message


class Formatter(argparse.HelpFormatter):
    """Vietnamese usage prefix; a text with line breaks (the exit codes) keeps them."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, texts()["usage"] if prefix is None else prefix)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every text is Vietnamese; subcommand parsers are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        t = texts()
        self._positionals.title = t["positionals"]
        self._optionals.title = t["optionals"]
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t["help"])

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.nargs != 0 and action.choices is None:
            action.metavar = texts()["metavars"].get(action.dest)
        return action

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        err = KdclError(kind="cau-lenh", message=translate(message), prog=self.prog)
        text = render(texts()["error"], {"prog": self.prog, "message": err.message})
        self.exit(exit_code(err.category), f"{text}\n{err.hint}\n")


def exit_code_text() -> str:
    """The exit codes, one a line, for the end of `kdcl --help`."""
    lines = [texts()["exit_codes"]]
    lines += [f"  {e.code:>3}  {e.label}" for e in sorted(exit_codes().values(), key=lambda e: e.code)]
    return "\n".join(lines)
