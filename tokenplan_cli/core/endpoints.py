"""Where a coding tool sends the plan's requests: a base URL per cluster and protocol, and the key's form.

The card's `[endpoints]` holds them (rates.toml, from the Subscription Instructions); `core.setup` turns
them into what each tool needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from tokenplan_cli.core.errors import UnknownNameError
from tokenplan_cli.tuples import NamedTuple

Protocol = Literal["openai", "anthropic"]
PROTOCOLS: tuple[Protocol, ...] = ("openai", "anthropic")


class Cluster(NamedTuple):
    """One of the plan's serving clusters and its base URL for each protocol."""

    name: str  # "sgp": what `--cluster` takes
    label: str  # "Singapore"
    base_urls: Mapping[str, str]  # by protocol

    def base_url(self, protocol: Protocol) -> str:
        return self.base_urls[protocol]


class Endpoints(NamedTuple):
    clusters: Mapping[str, Cluster]
    key_prefix: str  # a Token Plan key starts with this ("tp-")
    other_key_prefixes: Mapping[str, str]  # prefix -> what such a key is ("sk-": a pay-as-you-go key)
    model: str  # the model a tool is pointed at
    small_model: str  # the model for a tool's light background work (titles, summaries)

    def cluster(self, name: str) -> Cluster:
        """The cluster called `name` (or labelled so: `Europe` is `ams`), or an error with a did-you-mean."""
        found = self.clusters.get(name.lower()) or next(
            (c for c in self.clusters.values() if c.label.casefold() == name.casefold()), None
        )
        if found is None:
            raise UnknownNameError("cluster", name, self.clusters)
        return found
