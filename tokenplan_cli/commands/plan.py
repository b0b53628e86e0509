"""`tokenplan plan set|show|clear|calibrate|defaults`: the plan you hold and your defaults, remembered."""

from typing import Annotated

import typer

from tokenplan_cli.commands.common import (
    AS_GIVEN,
    Context,
    CurrencyOption,
    CycleOption,
    JsonOption,
    NowOption,
    PaidOption,
    RatesOption,
    TzOption,
    command_app,
    context_options,
)
from tokenplan_cli.commands.groups import option_group
from tokenplan_cli.core.dates import parse_instant
from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.render import emit

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
@option_group("context", context_options())
def set_(
    tier: Annotated[str, typer.Argument(help="The tier you hold: Lite, Standard, Pro or Max.")],
    start: PlanStartOption,
    cycle: CycleOption = "monthly",
    paid: PaidOption = None,
    auto_renew: RenewOption = "on",
    context: Context = AS_GIVEN,
) -> None:
    """Remember the plan you hold, so status, watch and statusline need no plan flags."""
    from tokenplan_cli.app.plan import set_plan
    from tokenplan_cli.core.amounts import parse_money

    card = context.card
    if auto_renew.lower() not in SWITCH:
        raise BadInputError(f"--auto-renew: expected on or off, got {auto_renew!r}")
    state = set_plan(
        card, tier=tier, cycle=cycle, start=parse_instant(start, field="start"), now=context.now,
        auto_renew=SWITCH[auto_renew.lower()], currency=context.currency,
        paid=None if paid is None else parse_money(paid, field="paid"),
    )  # fmt: skip
    _show(context, "plan set", f"holding {state.price.label}, bought {state.plan.start:%Y-%m-%d}")


@app.command()
@option_group("context", context_options())
def show(context: Context = AS_GIVEN) -> None:
    """The plan you hold, its current cycle and latest reading, and each default with where it came from."""
    _show(context, "plan show", "")


@app.command()
@option_group("context", context_options("rates", "json_output"))
def clear(context: Context = AS_GIVEN) -> None:
    """Forget the plan you hold and its readings (your defaults stay)."""
    from tokenplan_cli.app.config import current_config
    from tokenplan_cli.app.plan import clear_plan

    context.card  # noqa: B018 - a bad card is refused before the plan is forgotten
    held = current_config().config.plan
    clear_plan()
    message = f"forgot {held.tier} {held.cycle}" if held else "no plan was held"
    _show(context, "plan clear", message)


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

    context = Context(rates=rates, now=now, json_output=json_output)
    instant = context.now
    taken = parse_instant(at, field="at") if at is not None else instant
    record(context.card, parse_reading(taken, used, field="used"), instant, context.currency)
    message = f"reading of {used.strip()} at {taken:%Y-%m-%d %H:%M:%S} UTC recorded"
    _show(context, "plan calibrate", message)


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

    context = Context(rates=rates, json_output=json_output)
    card = context.card
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
    _show(context, "plan defaults", "defaults saved")


def _show(context: Context, command: str, message: str) -> None:
    """What `plan show` shows (with `message` saying what the command did): in the currency of
    --currency when given (a setting from a flag), else in each default's own."""
    from tokenplan_cli.app.plan import plan_overview
    from tokenplan_cli.views.plan import plan_document

    money = context.currency if context.currency_code is not None else None
    overview = plan_overview(context.card, context.now, money)
    document = plan_document(command, overview, context.zone, message)
    emit(document, context.fmt, human="plan")
