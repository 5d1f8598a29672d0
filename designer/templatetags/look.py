"""Template helpers of the look: icons from the vendored sprite, and a row's number as people count it."""

import re

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str):
    """An icon from static/designer/icons.svg; decorative, so the control around it carries the name."""
    return format_html('<svg class="i" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
                       static("designer/icons.svg"), name)


@register.filter
def ordinal_path(path: str) -> str:
    """'r-1-0' -> '2.1': the row's place counted from 1, the way the user sees it (the last block's part of a
    compound path like 'c-1-r-0' only)."""
    numbers = re.split(r"[a-z]+", path)[-1].strip("-")
    return ".".join(str(int(n) + 1) for n in numbers.split("-") if n)


MAX_INDENT = 8  # deeper parts than this share the deepest step: the panel is narrow


@register.filter
def indent(depth: int) -> str:
    """The class that indents a nested part by its depth (the CSP allows no inline style); none at the top."""
    depth = min(int(depth or 0), MAX_INDENT)
    return f"indent-{depth}" if depth else ""
