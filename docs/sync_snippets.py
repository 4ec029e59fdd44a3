#!/usr/bin/env python3
"""Copies each template named by a `<!-- snippet: PATH -->` marker in README.md into the fenced
block that follows it, so the README shows the files users copy byte for byte.
tests/it/docs.rs fails when the two differ; run this after editing a template:
    python3 docs/sync_snippets.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- snippet: (?P<path>[^ ]+) -->\n(?:.*\n)*?```[a-z]*\n)(?P<body>(?:.*\n)*?)(```)")


def main() -> int:
    text = README.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        body = (ROOT / match.group("path")).read_text(encoding="utf-8")
        if not body.endswith("\n"):
            body += "\n"
        return match.group(1) + body + match.group(4)

    updated = BLOCK.sub(fill, text)
    if updated != text:
        README.write_text(updated, encoding="utf-8")
        print("README.md: snippets updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
