"""`policy-assistant calc <calculator>`: one subcommand per registry entry, its options made
from the entry's request fields.

Nothing here restates a calculator's inputs: a field ``eligible_amount: float`` becomes
``--eligible-amount``, a ``Literal`` becomes a choice, ``bool`` a switch, ``bool | None`` a
pair of switches (``--preexisting`` / ``--no-preexisting``), a tuple a repeatable option. The
values go to ``registry.run`` unchanged, so the command line checks inputs exactly as the chat
and the LangChain tools do, and a missing input comes back as the calculator's own question.

Usage::

    policy-assistant calc payout --liability inpatient_in_area --eligible-amount 38600 --no-preexisting
    policy-assistant calc deadline-after --start 2024-09-27 --amount 5 --unit 工作日 --json
"""

from __future__ import annotations

import argparse
import json
import re
import typing
from datetime import date

from assistant.calculators.registry import REGISTRY, Entry, bare, run
from assistant.calculators.result import Clarification
from assistant.errors import AssistantError

_CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


class CalcUsageError(AssistantError):
    """A calculator cannot run on the options given; the message names the option to add."""


def flag(name: str) -> str:
    """The option for a request field.

    >>> flag("eligible_amount")
    '--eligible-amount'
    """
    return "--" + name.replace("_", "-")


def iso_date(value: str) -> str:
    """A date as typed (2024-06-01 or 2024年6月1日) in the form the request types read.

    >>> iso_date("2024年6月1日")
    '2024-06-01'
    >>> iso_date("2024-06-01")
    '2024-06-01'
    """
    match = _CHINESE_DATE.match(value)
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else value.strip()


def add_commands(calc: argparse.ArgumentParser) -> None:
    """One subcommand per calculator of the registry, plus ``time-limits`` (the catalogue)."""
    commands = calc.add_subparsers(dest="calculator", metavar="CALCULATOR")
    for entry in REGISTRY:
        sub = commands.add_parser(entry.command, help=f"{entry.title}：{entry.description}", description=entry.description)
        for name, field in entry.request.model_fields.items():
            _add_option(sub, name, field)
        sub.add_argument("--json", action="store_true", help="print the calculation as JSON")
        sub.set_defaults(entry=entry)
    commands.add_parser("time-limits", help="办理时限目录：列出 deadline 可用的每个期限").set_defaults(entry=None)


def _add_option(parser: argparse.ArgumentParser, name: str, field) -> None:
    annotation = field.annotation
    options = bare(annotation)
    help_text = (field.description or name) + ("（必填）" if field.is_required() else "")
    if annotation is bool:
        parser.add_argument(flag(name), dest=name, action="store_true", default=None, help=help_text)
    elif options is bool:
        parser.add_argument(flag(name), dest=name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
    elif typing.get_origin(options) is tuple:
        parser.add_argument(flag(name), dest=name, action="append", default=None, metavar="VALUE", help=help_text + "；可重复")
    elif typing.get_origin(options) is typing.Literal:
        parser.add_argument(flag(name), dest=name, choices=[str(c) for c in typing.get_args(options)], default=None, help=help_text)
    elif options is date:
        parser.add_argument(flag(name), dest=name, type=iso_date, default=None, metavar="YYYY-MM-DD", help=help_text)
    else:
        metavar = "N" if options in (int, float) else "TEXT"
        parser.add_argument(flag(name), dest=name, default=None, metavar=metavar, help=help_text)


def inputs(entry: Entry, args: argparse.Namespace) -> dict:
    """The options given, by field name (strings; the request type converts and checks them)."""
    given = {name: getattr(args, name, None) for name in entry.request.model_fields}
    return {name: tuple(value) if isinstance(value, list) else value for name, value in given.items() if value is not None}


def hint(entry: Entry, field: str) -> str:
    """How to give a missing input on the command line.

    >>> from assistant.calculators.registry import get
    >>> hint(get("sanming_payout"), "preexisting")
    '--preexisting 或 --no-preexisting，或 --conditions 病名'
    """
    fields = entry.request.model_fields
    if field in fields and bare(fields[field].annotation) is bool:
        text = f"{flag(field)} 或 --no-{field.replace('_', '-')}"
        return text + ("，或 --conditions 病名" if "conditions" in fields else "")
    return flag(field)


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen calculator and print its steps (or JSON)."""
    from assistant.calculators import deadlines
    from assistant.service import render_calculation

    if args.entry is None:
        for limit in deadlines.catalogue():
            print(f"{limit.key}\t{limit.name}\t{limit.amount}{limit.unit}\t{limit.reference.doc_number} {limit.reference.section}")
        return 0
    result = run(args.entry, inputs(args.entry, args), name_of=flag)
    if isinstance(result, Clarification):
        raise CalcUsageError(f"{result.question}（命令行请加 {hint(args.entry, result.field)}）")
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else render_calculation(result))
    return 0
