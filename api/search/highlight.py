"""Highlight output that is safe to insert as HTML: <mark> kept, everything else escaped."""

from __future__ import annotations

import html


def safe_highlight(formatted: str | None, fallback: str) -> str:
    if formatted is None:
        return html.escape(fallback, quote=False)
    parts = formatted.split("<mark>")
    out = [html.escape(parts[0], quote=False)]
    for part in parts[1:]:
        marked, _, rest = part.partition("</mark>")
        out.append("<mark>" + html.escape(marked, quote=False) + "</mark>" + html.escape(rest, quote=False))
    return "".join(out)
