"""Template filters of the record lookup: `{{ record.name|highlight:text }}` marks where the typed text matches."""

import re

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter(needs_autoescape=True)
def highlight(name, text, autoescape=True):
    """`name` with each case-insensitive occurrence of `text` in <mark>, everything escaped."""
    name, text = str(name), str(text or "").strip()
    escape = conditional_escape if autoescape else (lambda s: s)
    if not text:
        return escape(name)
    parts = re.split(f"({re.escape(text)})", name, flags=re.IGNORECASE)
    # re.split with one group alternates: unmatched, matched, unmatched, ...
    return mark_safe(format_html_join("", "{}", ((mark_safe(f"<mark>{escape(p)}</mark>") if i % 2 else escape(p),)
                                                 for i, p in enumerate(parts))))
