"""Contacts, the records interactions point to, and one table per interaction type.

The record and interaction models are generated from the catalog (interactions/catalog.py), so a type
or field added there is one `makemigrations` away from a table.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from .catalog import INTERACTION_TYPES, RECORD_TYPES, FieldKind


class Contact(models.Model):
    contact_id = models.UUIDField("ContactId", primary_key=True, default=uuid.uuid4)
    fullname = models.CharField("FullName", max_length=200, blank=True, default="")
    emailaddress1 = models.CharField("Email", max_length=254, blank=True, default="")
    # Set by the database (the transaction's start) so that incremental refreshes can find new contacts.
    createdon = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["fullname"]
        indexes = [models.Index(fields=["fullname"]), models.Index(fields=["emailaddress1"])]

    def __str__(self):
        return self.fullname or self.emailaddress1 or str(self.contact_id)


class Record(models.Model):
    """A record that ID fields point to: a customer journey, an email, a form, ..."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


def _record_model(record):
    meta = type(
        "Meta",
        (),
        {"ordering": ["name"], "verbose_name": record.label, "indexes": [models.Index(fields=["name"])]},
    )
    attrs = {"__module__": __name__, "Meta": meta, "catalog": record}
    return type(record.model, (Record,), attrs)


RECORD_MODELS = {r.name: _record_model(r) for r in RECORD_TYPES}
globals().update({m.__name__: m for m in RECORD_MODELS.values()})


class Interaction(models.Model):
    """The three fields every interaction has."""

    interaction_id = models.UUIDField("InteractionId", primary_key=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_column="contact_id", db_index=False,
                                verbose_name="ContactId")
    timestamp = models.DateTimeField("Timestamp")
    # When the row arrived: the start of the ingesting transaction, set by the database. Incremental
    # refreshes recompute only the contacts of rows that arrived since the last run.
    ingested_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.catalog.display_name} by {self.contact_id} at {self.timestamp:%Y-%m-%d %H:%M}"


_COLUMN_TYPES = {
    FieldKind.GUID: lambda f: models.UUIDField(f.name, null=True, blank=True),
    FieldKind.STRING: lambda f: models.TextField(f.name, null=True, blank=True),
    FieldKind.NUMBER: lambda f: models.FloatField(f.name, null=True, blank=True),
    FieldKind.INTEGER: lambda f: models.BigIntegerField(f.name, null=True, blank=True),
    FieldKind.BOOLEAN: lambda f: models.BooleanField(f.name, null=True, blank=True),
    FieldKind.DATETIME: lambda f: models.DateTimeField(f.name, null=True, blank=True),
}


def _interaction_model(itype):
    # Indexes serve segment evaluation: grouping by contact within a time range, and restrictions on a
    # record ID within a time range (the journey/email/form filters marketers use most). Django caps index
    # names at 30 characters, so they start with the type's initials (EmailClicked -> ec).
    short = "".join(c for c in itype.name if c.isupper()).lower()
    indexes = [models.Index(fields=["contact", "timestamp"], name=f"{short}_contact_ts")]
    for field in itype.fields:
        if field.kind is FieldKind.GUID:
            indexes.append(models.Index(fields=[field.column, "timestamp"], name=f"{short}_{field.column}_ts"[:30]))
    meta = type(
        "Meta",
        (),
        {"verbose_name": itype.display_name, "verbose_name_plural": f"{itype.display_name} interactions",
         "indexes": indexes},
    )
    attrs = {"__module__": __name__, "Meta": meta, "catalog": itype}
    for field in itype.fields:
        attrs[field.column] = _COLUMN_TYPES[field.kind](field)
    return type(itype.name, (Interaction,), attrs)


INTERACTION_MODELS = {t.name: _interaction_model(t) for t in INTERACTION_TYPES}
globals().update({m.__name__: m for m in INTERACTION_MODELS.values()})


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key for the HTTP API. Only its hash is stored; the key is shown once, when it is created."""

    name = models.CharField(max_length=100, help_text="What uses this token, e.g. 'website tracker'.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name, user):
        """Create a token; returns (token, key). The key is not recoverable afterwards."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, user=user, prefix=key[:8], key_hash=hash_token(key))
        return token, key

    @classmethod
    def authenticate(cls, key: str):
        """The active token with this key, of an active user; else None (a deactivated user's keys are dead)."""
        token = (cls.objects.filter(key_hash=hash_token(key), is_active=True, user__is_active=True)
                 .select_related("user").first())
        if token is not None:
            cls.objects.filter(pk=token.pk).update(last_used=timezone.now())
        return token
