"""Template filters that ask segments/roles.py what the signed-in user may do: `{% if user|can_edit %}`."""

from django import template

from segments import roles

register = template.Library()


@register.filter
def can_view(user) -> bool:
    return roles.can_view(user)


@register.filter
def can_edit(user) -> bool:
    return roles.can_edit(user)


@register.filter
def can_administer(user) -> bool:
    return roles.can_administer(user)
