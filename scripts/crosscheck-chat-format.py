#!/usr/bin/env python3
"""Recomputes, independently of Preflight, the chat format facts its tests pin on the real
chat sets in ../shared/data: OpenAI's cookbook format checks (error counts by type, examples
without a system or user message) and the lines with consecutive same-role turns, empty
turns and conversations not ending on the assistant's turn.

    scripts/crosscheck-chat-format.py            prints one block per file

Compare with `preflight audit FILE` (chat_format findings) or ChatFormatCheckTests.
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
FILES = [
    ("openai_toy_chat", "train.jsonl"),
    ("hh_rlhf_harmless_test", "test.chosen.jsonl"),
    ("hh_rlhf_harmless_test", "test.rejected.jsonl"),
    ("fastchat_identity", "train.jsonl"),
]


def cookbook_errors(examples):
    """The format error counts of OpenAI's Chat_finetuning_data_prep notebook."""
    errors = {}
    for ex in examples:
        if not isinstance(ex, dict):
            errors["data_type"] = errors.get("data_type", 0) + 1
            continue
        messages = ex.get("messages")
        if not messages:
            errors["missing_messages_list"] = errors.get("missing_messages_list", 0) + 1
            continue
        for m in messages:
            if "role" not in m or "content" not in m:
                errors["message_missing_key"] = errors.get("message_missing_key", 0) + 1
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in m):
                errors["message_unrecognized_key"] = errors.get("message_unrecognized_key", 0) + 1
            if m.get("role") not in ("system", "user", "assistant", "function"):
                errors["unrecognized_role"] = errors.get("unrecognized_role", 0) + 1
            content = m.get("content")
            if (not content and not m.get("function_call")) or not isinstance(content, str):
                errors["missing_content"] = errors.get("missing_content", 0) + 1
        if not any(m.get("role") == "assistant" for m in messages):
            errors["example_missing_assistant_message"] = (
                errors.get("example_missing_assistant_message", 0) + 1)
    return errors


def main():
    if not os.path.isdir(ROOT):
        sys.exit(f"no shared data at {ROOT}")
    for folder, name in FILES:
        path = os.path.join(ROOT, folder, name)
        examples = [json.loads(line) for line in open(path, encoding="utf-8")]
        consecutive, empty, not_last, no_system, no_user = [], [], [], [], []
        for line, ex in enumerate(examples, 1):
            roles = [m["role"] for m in ex["messages"]]
            if any(a == b for a, b in zip(roles, roles[1:])):
                consecutive.append(line)
            if any(not m["content"].strip() for m in ex["messages"]):
                empty.append(line)
            if roles[-1] != "assistant":
                not_last.append(line)
            if "system" not in roles:
                no_system.append(line)
            if "user" not in roles:
                no_user.append(line)
        print(f"== {folder}/{name}: {len(examples)} examples")
        print(f"   cookbook format errors: {cookbook_errors(examples) or 'none'}")
        print(f"   without a system message: {len(no_system)}; without a user message: {no_user}")
        print(f"   consecutive same-role turns: {consecutive}")
        print(f"   empty or whitespace-only turns: {empty}")
        print(f"   not ending on the assistant: {not_last}")


if __name__ == "__main__":
    main()
