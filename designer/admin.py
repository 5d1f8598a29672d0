"""Imported by the admin's autodiscovery: registers the console's model admins of the store and the engine."""

from .console import segments, store  # noqa: F401
