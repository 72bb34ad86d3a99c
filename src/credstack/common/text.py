"""Text no database column can store, found anywhere in a JSON value.

PostgreSQL refuses a NUL character in text and in JSON (SQLite keeps it, so a bug would
show on one database only), and a lone surrogate (``"\\ud800"`` in JSON) is not Unicode
at all: it cannot be written in UTF-8. Input holding either is refused where it enters
(the API's parser, the wallet's import), naming where it is, instead of failing where it
is stored.
"""

from __future__ import annotations

from typing import Any

MAX_PROBLEMS = 20


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    if "\x00" in text:
        return "holds a NUL character, which text cannot contain"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a lone surrogate, which is not Unicode text"
    return None


def unstorable_text(value: Any, where: str = "") -> list[str]:
    """``"<where>: <why>"`` for each string or key of the JSON ``value`` that cannot be
    stored (at most :data:`MAX_PROBLEMS`); empty when all of it can. ``where`` names
    ``value`` itself; members are named ``where.key`` and ``where[index]``."""
    problems: list[str] = []
    # A stack rather than recursion: JSON nested as deep as the parser allows is fine.
    pending: list[tuple[str, Any]] = [(where, value)]
    while pending and len(problems) < MAX_PROBLEMS:
        location, item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                problems.append(f"{location or 'value'}: {problem}")
        elif isinstance(item, dict):
            for key, member in reversed(item.items()):
                name = f"{location}.{key}" if location else str(key)
                key_problem = text_problem(str(key))
                if key_problem is not None:
                    problems.append(f"{location or 'value'}: a member's name {key_problem}")
                    continue
                pending.append((name, member))
        elif isinstance(item, list | tuple):
            pending.extend(
                (f"{location}[{index}]", member)
                for index, member in reversed(list(enumerate(item)))
            )
    return problems[:MAX_PROBLEMS]
