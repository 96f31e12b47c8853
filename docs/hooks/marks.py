"""mkdocs hook: the site shows ✅ / ❌ as mkdocs-material icons.

`engage capabilities --markdown` writes docs/capabilities.md with the plain
characters, which read well in a terminal and on a code host; a browser without
an emoji font draws them as empty boxes. On the site they become
``:material-check:`` / ``:material-close:``, which pymdownx.emoji turns into
inline SVGs from the theme's own icon set: nothing to download, no font needed.
"""

from __future__ import annotations

from typing import Any

MARKS = {
    "✅": ':material-check:{ .engage-yes title="supported" }',
    "❌": ':material-close:{ .engage-no title="unsupported" }',
}


def on_page_markdown(markdown: str, **_: Any) -> str:
    for mark, icon in MARKS.items():
        markdown = markdown.replace(mark, icon)
    return markdown
