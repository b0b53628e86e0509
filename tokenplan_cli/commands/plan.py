"""`tokenplan plan set|show|clear|calibrate|defaults`: the plan you hold and your defaults, remembered."""

from datetime import datetime
from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    CurrencyOption,
    CycleOption,
    JsonOption,
    NowOption,
    PaidOption,
    RatesOption,
    TzOption,
    command_app,
    load_card,
    output_format,
    resolve_currency,
    resolve_now,
    resolve_zone,
)
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.render import OutputFormat, emit

app = command_app(
    no_args_is_help=True,
    help="The plan you hold and your defaults, kept in the config file (TOKENPLAN_CONFIG overrides where).",
)

SWITCH = {"on": True, "off": False}

PlanStartOption = Annotated[
    str,
    typer.Option(
        "--start",
        help="When you bought the plan: a UTC date, or a date-time with an offset.",
        show_default=False,
    ),
]
RenewOption = Annotated[
    str,
    typer.Option(
        "--auto-renew", help="Whether the plan renews by itself at expiry (the provider's default: on)."
    ),
]


@app.command("set")
def set_(
    tier: Annotated[str, typer.Argument(help="The tier you hold: Lite, Standard, Pro or Max.")],
    start: PlanStartOption,
    cycle: CycleOption = "monthly",
    paid: PaidOption = None,
    auto_renew: RenewOption = "on",
    currency: CurrencyOption = None,
    now: NowOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Remember the plan you hold, so status, watch and statusline need no plan flags."""
    from tokenplan_cli.app.plan import set_plan
    from tokenplan_cli.core.amounts import parse_money

    fmt = output_format(json_output)
    card = load_card(rates)
    if auto_renew.lower() not in SWITCH:
        raise BadInputError(f"--auto-renew: expected on or off, got {auto_renew!r}")
    money = resolve_currency(card, currency)
    instant = resolve_now(now)
    state = set_plan(
        card, tier=tier, cycle=cycle, start=parse_instant(start, what="--start"), now=instant,
        auto_renew=SWITCH[auto_renew.lower()], currency=money,
        paid=None if paid is None else parse_money(paid, what="--paid"),
    )  # fmt: skip
    _show(card, "plan set", f"holding {state.price.label}, bought {state.plan.start:%Y-%m-%d}",
          instant, currency, tz, fmt)  # fmt: skip


@app.command()
def show(
    now: NowOption = None,
    currency: CurrencyOption = None,
    tz: TzOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """The plan you hold, its current cycle and latest reading, and each default with where it came from."""
    fmt = output_format(json_output)
    card = load_card(rates)
    _show(card, "plan show", "", resolve_now(now), currency, tz, fmt)


@app.command()
def clear(
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Forget the plan you hold and its readings (your defaults stay)."""
    from tokenplan_cli.app.config import current_config
    from tokenplan_cli.app.plan import clear_plan

    fmt = output_format(json_output)
    card = load_card(rates)
    held = current_config().config.plan
    clear_plan()
    message = f"forgot {held.tier} {held.cycle}" if held else "no plan was held"
    _show(card, "plan clear", message, resolve_now(None), None, None, fmt)


@app.command()
def calibrate(
    used: Annotated[
        str,
        typer.Option(
            "--used",
            help="Credits used as the console shows them: 63%, or a count such as 6.93B.",
            show_default=False,
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the console showed it (default: now).", show_default=False),
    ] = None,
    now: NowOption = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record the console's figure of credits used: status counts it plus what the logs show after it."""
    from tokenplan_cli.app.plan import calibrate as record
    from tokenplan_cli.readers.config import parse_reading

    fmt = output_format(json_output)
    card = load_card(rates)
    instant = resolve_now(now)
    taken = parse_instant(at, what="--at") if at is not None else instant
    state = record(card, parse_reading(taken, used, what="--used"), instant, resolve_currency(card, None))
    _show(card, "plan calibrate", f"reading of {used.strip()} at {taken:%Y-%m-%d %H:%M:%S} UTC recorded",
          instant, state.currency.code, None, fmt)  # fmt: skip


@app.command()
def defaults(
    currency: CurrencyOption = None,
    tz: TzOption = None,
    tools: Annotated[
        list[str] | None,
        typer.Option(
            "--from", metavar="TOOL", help="Tools whose logs to read (repeatable).", show_default=False
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="PATTERN=MODEL", help="--map rules (repeatable).", show_default=False),
    ] = None,
    unset: Annotated[
        list[str] | None,
        typer.Option("--unset", metavar="NAME", help="Forget a default: currency, timezone, tools or map."),
    ] = None,
    rates: RatesOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set the defaults every command takes when a flag does not give them."""
    from tokenplan_cli.app.config import current_config, save_config
    from tokenplan_cli.app.plan import set_defaults
    from tokenplan_cli.core.errors import UnknownNameError
    from tokenplan_cli.core.usagelog import parse_mapping
    from tokenplan_cli.readers.logs.scanner import tool_names
    from tokenplan_cli.readers.zones import load_zone

    fmt = output_format(json_output)
    card = load_card(rates)
    values: dict[str, object] = {}
    for name in unset or ():
        key = {"tools": "tools", "map": "maps", "currency": "currency", "timezone": "timezone"}.get(name)
        if key is None:
            raise UnknownNameError("default", name, ("currency", "timezone", "tools", "map"))
        values[key] = ()
    if currency is not None:
        values["currency"] = card.currency(currency).code
    if tz is not None:
        load_zone(tz)
        values["timezone"] = tz
    if tools:
        values["tools"] = tool_names(tools)
    if maps:
        values["maps"] = parse_mapping(maps, card).texts()
    if not values:
        raise BadInputError("give a default to set (--currency, --tz, --from, --map) or --unset NAME")
    file = current_config()
    save_config(file, set_defaults(file.config, **values))
    _show(card, "plan defaults", "defaults saved", resolve_now(None), None, None, fmt)


def _show(
    card: RateCard,
    command: str,
    message: str,
    now: datetime,
    currency: str | None,
    tz: str | None,
    fmt: OutputFormat,
) -> None:
    from tokenplan_cli.app.plan import plan_overview
    from tokenplan_cli.views.plan import plan_document

    money = resolve_currency(card, currency) if currency is not None else None
    overview = plan_overview(card, now, money)
    document = plan_document(command, overview, resolve_zone(card, tz), message)
    emit(document, fmt, human="plan")
