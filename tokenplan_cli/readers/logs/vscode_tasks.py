"""The task histories of Cline and its forks (Roo Code, Kilo Code): `tasks/<task id>/ui_messages.json`.

Each task folder holds `ui_messages.json`, one JSON array of the messages the extension shows, which it
rewrites whole as the task goes on. A request is a `say` message of kind `api_req_started` whose `text`
is itself JSON: `{"tokensIn", "tokensOut", "cacheWrites", "cacheReads", "cost", …}` once the response
is in (its `request` field holds the prompt, which is never read here). The message's `ts` (epoch
milliseconds) is its identity within the task, and the folder's name is the task's id; both stay the same
in every copy of the task, so `(task id, ts, kind)` is the dedupe key.

What `tokensIn` holds differs between the tools and their versions (see each reader); this module only
finds the files and the messages.

The file is one document, read whole (up to `MAX_FILE_BYTES`; its tool rewrites it whole, so it cannot
be streamed by lines), and decoded lazily: the array into raw elements (msgspec `Raw`: slices of the
bytes read, nothing built), and only the elements that name a wanted kind into fields. A skip's "line"
is the element's position in the array, from 1.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from tokenplan_cli.readers.logs import Skips, walk_files
from tokenplan_cli.readers.logs.fields import BadRecord, cannot_read, count, instant_from_ms
from tokenplan_cli.readers.logs.jsonlines import is_utf8, whole_file
from tokenplan_cli.tuples import NamedTuple

UI_MESSAGES = "ui_messages.json"
API_HISTORY = "api_conversation_history.json"
# A long task's history reaches tens of megabytes (its prompts are in it); anything far larger is not one.
MAX_FILE_BYTES = 512 << 20
# Roo Code and Kilo Code name the model of each request in the environment details they append to it.
MODEL_TAG = rb"<model>([^<>\\\"]{1,200})</model>"  # compiled where histories are read (8 ms here)
MODEL_TAG_MARK = b"<model>"


class UiRequest(NamedTuple):
    """One usage-bearing message of a task, its JSON `text` decoded into the fields that matter."""

    position: int  # in the array, from 1 (the "line" of a skip)
    say: str
    ts: Any  # epoch milliseconds, as the tool wrote it
    info: dict[str, Any]  # tokensIn, tokensOut, cacheWrites, cacheReads, cost, apiProtocol (absent: None)
    model_info: Any  # Cline's `modelInfo` object, where the message carries one
    extra: Any  # Roo Code's `contextCondense` object, where the message carries one


INFO_FIELDS = ("tokensIn", "tokensOut", "cacheWrites", "cacheReads", "cost", "apiProtocol")


@cache
def _decoders() -> tuple[Any, Any, Any, Any, type[Exception], type[Exception]]:
    """msgspec and the typed schemas, built on first use (workers pay the import, not the CLI)."""
    from tokenplan_cli.readers.logs.jsonlines import import_msgspec

    msgspec = import_msgspec()

    class UiMessage(msgspec.Struct):
        ts: Any = None
        type: Any = None
        say: Any = None
        text: Any = None
        modelInfo: Any = None  # noqa: N815 (the tool's spelling)
        contextCondense: Any = None  # noqa: N815

    class ApiReqInfo(msgspec.Struct):
        tokensIn: Any = None  # noqa: N815
        tokensOut: Any = None  # noqa: N815
        cacheWrites: Any = None  # noqa: N815
        cacheReads: Any = None  # noqa: N815
        cost: Any = None
        apiProtocol: Any = None  # noqa: N815

    class HistoryMessage(msgspec.Struct):
        role: Any = None
        ts: Any = None

    elements = msgspec.json.Decoder(list[msgspec.Raw])
    return (
        elements,
        msgspec.json.Decoder(UiMessage),
        msgspec.json.Decoder(ApiReqInfo),
        msgspec.json.Decoder(HistoryMessage),
        msgspec.DecodeError,
        msgspec.ValidationError,
    )


# -- finding the files ---------------------------------------------------------------------------


def task_files(
    root: Path,
    skips: Skips,
    wanted: Callable[[str], bool] = lambda name: name == UI_MESSAGES,
    folders: tuple[str, ...] = ("tasks",),
) -> Iterator[Path]:
    """The task files (by default each task's `ui_messages.json`) under `root`: a storage folder that
    holds `folders` (`tasks/`), one such folder, one task's folder, or a file.

    Task folders are listed one level down, not walked: they also hold checkpoints (whole git
    repositories).
    """
    if not root.is_dir():
        yield from walk_files(root, lambda path: True, skips)  # a file, or a path that is not there
        return
    try:
        own = sorted(entry.name for entry in os.scandir(root) if wanted(entry.name) and entry.is_file())
    except OSError as exc:
        skips.add(root, 0, cannot_read(exc))
        return
    if own:
        yield from (root / name for name in own)
        return
    listed = [root / folder for folder in folders if (root / folder).is_dir()]
    for folder in listed or [root]:
        yield from children_holding(folder, wanted, skips)


def children_holding(folder: Path, wanted: Callable[[str], bool], skips: Skips) -> Iterator[Path]:
    """The files named `wanted(name)` in each sub-folder of `folder` (one level down), sorted."""
    try:
        subfolders = sorted(entry.path for entry in os.scandir(folder) if entry.is_dir())
    except OSError as exc:
        skips.add(folder, 0, cannot_read(exc))
        return
    for subfolder in subfolders:
        try:
            names = sorted(entry.name for entry in os.scandir(subfolder) if wanted(entry.name))
        except OSError as exc:
            skips.add(subfolder, 0, cannot_read(exc))
            continue
        for name in names:
            path = Path(subfolder, name)
            if path.is_file():
                yield path


# -- reading one file ----------------------------------------------------------------------------


def json_elements(path: Path, skips: Skips) -> list[Any] | None:
    """The raw elements of a file that holds one JSON array (None, reported, when it does not)."""
    data = whole_file(path, MAX_FILE_BYTES, skips)
    if data is None:
        return None
    elements, _, _, _, decode_error, validation_error = _decoders()
    try:
        return list(elements.decode(data))
    except validation_error:
        skips.add(path, 1, "not a JSON array")
    except decode_error:
        skips.add(path, 1, "malformed JSON" if is_utf8(data) else "not UTF-8")
    return None


def ui_requests(path: Path, skips: Skips, kinds: tuple[str, ...]) -> Iterator[UiRequest]:
    """The `say` messages of `kinds` in a `ui_messages.json`, in order; unreadable ones are skipped."""
    elements = json_elements(path, skips)
    if elements is None:
        return
    markers = tuple(f'"{kind}"'.encode() for kind in kinds)
    for position, raw in enumerate(elements, 1):
        data = bytes(raw)
        if not any(marker in data for marker in markers):
            continue
        try:
            request = _request(position, data, kinds)
        except BadRecord as bad:
            skips.add(path, position, bad.reason)
            continue
        if request is not None:
            yield request


def _request(position: int, data: bytes, kinds: tuple[str, ...]) -> UiRequest | None:
    _, message_decoder, info_decoder, _, decode_error, validation_error = _decoders()
    try:
        message = message_decoder.decode(data)
    except validation_error:
        raise BadRecord("not a JSON object") from None
    except decode_error:
        raise BadRecord("not UTF-8") from None  # the array parsed, so only its strings can be at fault
    if message.type != "say" or message.say not in kinds:
        return None
    info: dict[str, Any] = dict.fromkeys(INFO_FIELDS)
    if message.text is not None:
        if not isinstance(message.text, str):
            raise BadRecord("bad text field")
        try:
            decoded = info_decoder.decode(message.text)
        except validation_error:
            raise BadRecord("not a JSON object") from None
        except decode_error:
            raise BadRecord("malformed JSON") from None
        info = {name: getattr(decoded, name) for name in INFO_FIELDS}
    return UiRequest(position, message.say, message.ts, info, message.modelInfo, message.contextCondense)


NO_TOKENS = "cost without token counts"


def request_counts(info: dict[str, Any]) -> tuple[int, ...] | None:
    """`tokensIn`, `tokensOut`, `cacheReads` and `cacheWrites` of a usage message; None for one that
    used nothing (the placeholder written before a request, one that failed before any usage)."""
    counts = (
        count(info, "tokensIn"),
        count(info, "tokensOut"),
        count(info, "cacheReads"),
        count(info, "cacheWrites"),
    )
    if any(counts):
        return counts
    without_tokens(info["cost"])
    return None


def without_tokens(cost: Any) -> None:
    """What a usage message with no token count is: nothing (a placeholder, a request that failed
    before any usage), unless it records a cost, which cannot be counted: then `BadRecord`."""
    if type(cost) in (int, float) and cost > 0:
        raise BadRecord(NO_TOKENS)


def instant(ts: Any) -> Any:
    """A message's `ts` (epoch milliseconds) as an aware UTC instant."""
    if type(ts) is bool:
        raise BadRecord("bad timestamp")
    return instant_from_ms(ts)


# -- the model of each request (Roo Code, Kilo Code) ---------------------------------------------


class ModelTimeline(NamedTuple):
    """The model each user turn of a task named, by the turn's instant (epoch milliseconds)."""

    times: list[int]
    models: list[str]

    def at(self, ts: Any, until: Any = None) -> str | None:
        """The model of the request that started at `ts` (and ended before the next one, at `until`):
        the one its own turn names (the extension records the turn just after the request begins),
        else the last one named before it."""
        if not self.times or type(ts) not in (int, float):
            return None
        index = bisect_left(self.times, ts)
        own_turn = index < len(self.times) and (until is None or self.times[index] < until)
        if own_turn or index == 0:
            return self.models[min(index, len(self.models) - 1)]
        return self.models[index - 1]


def model_timeline(ui_messages: Path) -> ModelTimeline:
    """The models named in the task's `api_conversation_history.json`, beside `ui_messages`.

    Only the `<model>…</model>` tag of each user message's environment details is taken (the last one
    in the message: the environment details come after the user's own text). A history that cannot be
    read names no model; its requests are then booked as `unknown`.
    """
    data = whole_file(ui_messages.with_name(API_HISTORY), MAX_FILE_BYTES, Skips())  # its faults: no model
    if data is None:
        return ModelTimeline([], [])
    elements_decoder, _, _, history_decoder, decode_error, validation_error = _decoders()
    try:
        elements = elements_decoder.decode(data)
    except (decode_error, validation_error):
        return ModelTimeline([], [])
    named: list[tuple[int, str]] = []
    for raw in elements:
        element = bytes(raw)
        if MODEL_TAG_MARK not in element:
            continue
        try:
            message = history_decoder.decode(element)
        except (decode_error, validation_error):
            continue
        tags = re.findall(MODEL_TAG, element)
        if message.role == "user" and tags and type(message.ts) in (int, float):
            named.append((message.ts, tags[-1].decode("utf-8", "replace")))
    named.sort(key=lambda pair: pair[0])
    return ModelTimeline([ts for ts, _ in named], [model for _, model in named])
