"""The card's `[endpoints]`: base URLs per cluster and protocol, the key's form, the models setup names."""

from __future__ import annotations

from collections.abc import Mapping

from tokenplan_cli.core.endpoints import PROTOCOLS, Cluster, Endpoints
from tokenplan_cli.core.ratecard import Model
from tokenplan_cli.readers.tomlfields import Table


def parse_endpoints(table: Table, models: Mapping[str, Model]) -> Endpoints | None:
    """`[endpoints]`, validated; None when the card has none (setup then says so)."""
    if not table.data:
        return None
    clusters = {name: _cluster(name, entry) for name, entry in table.table("clusters").subtables()}
    if not clusters:
        table.fail("clusters", "no clusters")
    others = table.table("other_key_prefixes", required=False)
    endpoints = Endpoints(
        clusters=clusters,
        key_prefix=_prefix(table, "key_prefix", table.string("key_prefix")),
        other_key_prefixes={_prefix(others, key, key): others.string(key) for key in list(others.keys())},
        model=_setup_model(table, "model", models),
        small_model=_setup_model(table, "small_model", models),
    )
    others.finish()
    table.finish()
    return endpoints


def _cluster(name: str, entry: Table) -> Cluster:
    if not (name.isascii() and name.isalnum() and name == name.lower()):
        entry.fail("", f"a cluster name is lower-case letters and digits (cn, sgp), got {name!r}")
    urls = {protocol: _url(entry, protocol) for protocol in PROTOCOLS}
    cluster = Cluster(name, entry.string("label", name), urls)
    entry.finish()
    return cluster


def _url(entry: Table, key: str) -> str:
    url = entry.string(key)
    if not url.startswith("https://") or any(c.isspace() for c in url) or url.endswith("/"):
        entry.fail(key, f"expected an https:// URL without spaces or a trailing '/', got {url!r}")
    return url


def _prefix(table: Table, key: str, prefix: str) -> str:
    if not prefix or any(c.isspace() for c in prefix):
        table.fail(key, f"expected a key prefix without spaces (tp-), got {prefix!r}")
    return prefix


def _setup_model(table: Table, key: str, models: Mapping[str, Model]) -> str:
    name = table.string(key)
    model = models.get(name)
    if model is None or model.kind != "llm" or model.forward is not None:
        current = [n for n, m in models.items() if m.kind == "llm" and m.forward is None]
        table.fail(key, f"expected a current language model of the card ({', '.join(current)}), got {name!r}")
    return name
