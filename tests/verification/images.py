"""Small images for upload tests, made here rather than stored."""

from __future__ import annotations

import io

import png


def blank_png(size: int = 8) -> bytes:
    out = io.BytesIO()
    png.Writer(size, size, greyscale=True).write(out, [[255] * size for _ in range(size)])
    return out.getvalue()


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
SVG_WITH_HANDLER = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'
)
