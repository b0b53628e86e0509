#!/usr/bin/env python3
"""Deterministic synthetic Claude Code logs of a given size, for bench/usage_report.py.

The layout and lines follow real Claude Code 2.x logs (`projects/<project>/<session>.jsonl`, sub-agents
in `<session>/subagents/agent-<id>.jsonl`): user prompts, tool results of realistic sizes (hundreds of
bytes to tens of kilobytes), snapshot and summary lines, and assistant requests streamed as one line per
content block, the early blocks with a partial `output_tokens` and the last with the final count. Some
sessions are resumed into a new file that repeats earlier requests (cross-file duplicates); some
requests (5 % by default) lack a `requestId`, as in some Claude Code 2.1 logs; a few `<synthetic>`
lines. Timestamps spread over 60 days and every hour, so requests straddle 16:00 UTC.

The truth (tokens of each request counted once, with the final output count) is written beside the logs
in `truth.json`, so a reader's totals can be checked, not only timed.

    python bench/claude_logs.py OUT_DIR --size 100M [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

MODELS = ["claude-sonnet-4-5-20250929"] * 6 + ["claude-opus-4-1-20250805"] * 2 + ["claude-haiku-4-5-20251001"]
WORDS = (
    "the of to and a in is it you that he was for on are with as his they be at one have this from "
    "def return self import class value path file error test data result config None True False "
    "for if else while print len range list dict str int await async yield lambda"
).split()
START = datetime(2026, 9, 1, tzinfo=UTC)


class Generator:
    def __init__(self, out: Path, seed: int, missing_request_ids: float = 0.05) -> None:
        self.out = out
        self.missing_request_ids = missing_request_ids
        self.rng = random.Random(seed)
        self.filler = " ".join(self.rng.choice(WORDS) for _ in range(200_000))
        self.truth = {"requests": 0, "input": 0, "cache_write": 0, "cache_read": 0, "output": 0, "lines": 0}
        self.bytes = 0

    def text(self, low: int, high: int) -> str:
        size = int(self.rng.lognormvariate(0, 1) * (low + high) / 4)
        size = max(low, min(high, size))
        start = self.rng.randrange(0, len(self.filler) - size)
        return self.filler[start : start + size]

    def common(self, session: str, cwd: str, sidechain: bool, when: datetime) -> dict:
        return {
            "parentUuid": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "isSidechain": sidechain,
            "userType": "external",
            "cwd": cwd,
            "sessionId": session,
            "version": "2.0.14",
            "gitBranch": "main",
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }

    def request(self, session: str, cwd: str, sidechain: bool, when: datetime) -> list[dict]:
        """One API request, streamed as 1 to 4 lines (one per content block)."""
        model = self.rng.choice(MODELS)
        usage = {
            "input_tokens": self.rng.randint(1, 40),
            "cache_creation_input_tokens": self.rng.choice([0, 0, self.rng.randint(100, 20_000)]),
            "cache_read_input_tokens": self.rng.randint(5_000, 150_000),
            "output_tokens": self.rng.randint(20, 4_000),
        }
        message_id = f"msg_01{self.rng.getrandbits(120):030x}"[:30]
        request_id = (
            None
            if self.rng.random() < self.missing_request_ids
            else f"req_011C{self.rng.getrandbits(120):030x}"[:28]
        )
        blocks = self.rng.choice(
            [["text"], ["thinking", "text"], ["text", "tool_use"], ["thinking", "tool_use", "tool_use"]]
        )
        lines = []
        for index, block in enumerate(blocks):
            last = index == len(blocks) - 1
            content = (
                {"type": "thinking", "thinking": self.text(100, 4_000), "signature": self.text(200, 400)}
                if block == "thinking"
                else {"type": "text", "text": self.text(50, 3_000)}
                if block == "text"
                else {
                    "type": "tool_use",
                    "id": f"toolu_{self.rng.getrandbits(96):024x}",
                    "name": "Edit",
                    "input": {
                        "file_path": f"{cwd}/src/{self.rng.choice(WORDS)}.py",
                        "old_string": self.text(20, 2_000),
                        "new_string": self.text(20, 2_000),
                    },
                }
            )
            line_usage = dict(
                usage, output_tokens=usage["output_tokens"] if last else self.rng.randint(1, 12)
            )
            line_usage["cache_creation"] = {
                "ephemeral_5m_input_tokens": usage["cache_creation_input_tokens"],
                "ephemeral_1h_input_tokens": 0,
            }
            line_usage["service_tier"] = "standard"
            line = self.common(session, cwd, sidechain, when + timedelta(milliseconds=300 * index))
            line["message"] = {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [content],
                "stop_reason": "tool_use" if last and block == "tool_use" else None,
                "stop_sequence": None,
                "usage": line_usage,
            }
            if request_id:
                line["requestId"] = request_id
            line["type"] = "assistant"
            lines.append(line)
        self.truth["requests"] += 1
        self.truth["input"] += usage["input_tokens"]
        self.truth["cache_write"] += usage["cache_creation_input_tokens"]
        self.truth["cache_read"] += usage["cache_read_input_tokens"]
        self.truth["output"] += usage["output_tokens"]
        return lines

    def user(self, session: str, cwd: str, sidechain: bool, when: datetime, tool_result: bool) -> dict:
        line = self.common(session, cwd, sidechain, when)
        if tool_result:
            content = [
                {
                    "tool_use_id": f"toolu_{self.rng.getrandbits(96):024x}",
                    "type": "tool_result",
                    "content": self.text(200, 40_000),
                }
            ]
        else:
            content = self.text(20, 1_500)
        line["message"] = {"role": "user", "content": content}
        line["type"] = "user"
        return line

    def session(self, project: Path, cwd: str) -> list[dict]:
        """A session's lines; writes its sub-agent files as it goes."""
        session = str(uuid.UUID(int=self.rng.getrandbits(128)))
        when = START + timedelta(minutes=self.rng.randrange(60 * 24 * 60))
        lines: list[dict] = [
            {"type": "file-history-snapshot", "messageId": session, "snapshot": {"trackedFileBackups": {}}}
        ]
        for turn in range(self.rng.randint(5, 120)):
            lines.append(self.user(session, cwd, False, when, tool_result=turn % 3 != 0))
            when += timedelta(seconds=self.rng.randint(2, 90))
            lines += self.request(session, cwd, False, when)
            if self.rng.random() < 0.02:
                lines.append(
                    {
                        **self.common(session, cwd, False, when),
                        "type": "assistant",
                        "isApiErrorMessage": True,
                        "message": {
                            "id": str(uuid.uuid4()),
                            "model": "<synthetic>",
                            "role": "assistant",
                            "content": [{"type": "text", "text": "API Error"}],
                            "usage": {"input_tokens": 0, "output_tokens": 0},
                        },
                    }
                )
            if self.rng.random() < 0.03:
                self.subagent(project / session / "subagents", session, cwd, when)
        lines.append({"type": "summary", "summary": self.text(20, 80), "leafUuid": str(uuid.uuid4())})
        return lines

    def subagent(self, folder: Path, session: str, cwd: str, when: datetime) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for _ in range(self.rng.randint(2, 15)):
            lines.append(self.user(session, cwd, True, when, tool_result=True))
            when += timedelta(seconds=self.rng.randint(2, 30))
            lines += self.request(session, cwd, True, when)
        self.write(folder / f"agent-{self.rng.getrandbits(32):08x}.jsonl", lines)

    def write(self, path: Path, lines: list[dict]) -> None:
        data = "".join(json.dumps(line, separators=(",", ":"), ensure_ascii=False) + "\n" for line in lines)
        path.write_text(data, encoding="utf-8")
        self.bytes += len(data.encode())
        self.truth["lines"] += len(lines)

    def run(self, size: int) -> None:
        projects = self.out / "projects"
        while self.bytes < size:
            name = f"-home-dev-{self.rng.choice(WORDS)}-{self.rng.randrange(40)}"
            project = projects / name
            project.mkdir(parents=True, exist_ok=True)
            lines = self.session(project, "/home/dev/" + name[10:])
            self.write(project / f"{lines[1]['sessionId']}.jsonl", lines)
            if self.rng.random() < 0.1:  # resumed: a new session file that repeats the history so far
                copied = lines[: len(lines) // 2]
                self.write(project / f"{uuid.UUID(int=self.rng.getrandbits(128))}.jsonl", copied)
        (self.out / "truth.json").write_text(json.dumps({**self.truth, "bytes": self.bytes}, indent=1) + "\n")


def parse_size(text: str) -> int:
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="100M")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--missing-request-ids", type=float, default=0.05, help="share of requests without one"
    )
    args = parser.parse_args()
    if (args.out / "truth.json").exists():
        raise SystemExit(f"{args.out} already holds logs; remove it first")
    Generator(args.out, args.seed, args.missing_request_ids).run(parse_size(args.size))


if __name__ == "__main__":
    main()
