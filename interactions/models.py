"""Contacts, the records interactions point to, and one table per interaction type.

The record and interaction models are generated from the catalog (interactions/catalog.py), so a type
or field added there is one `makemigrations` away from a table.
"""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower, Now
from django.utils import timezone

from .catalog import (
    ACCOUNT,
    CONTACT,
    CUSTOM_KINDS,
    ENTITIES,
    INTERACTION_TYPES,
    RECORD_TYPES,
    Attribute,
    FieldKind,
    entity,
)

# How a profile attribute of the catalog becomes a column; the few with their own history are declared below.
_ATTRIBUTE_COLUMNS = {
    FieldKind.STRING: lambda a: models.CharField(a.display_name, max_length=400, null=True, blank=True),
    FieldKind.BOOLEAN: lambda a: models.BooleanField(a.display_name, null=True, blank=True),
    FieldKind.DATE: lambda a: models.DateField(a.display_name, null=True, blank=True),
    FieldKind.DATETIME: lambda a: models.DateTimeField(a.display_name, null=True, blank=True),
    FieldKind.CHOICE: lambda a: models.SmallIntegerField(a.display_name, null=True, blank=True, choices=a.choices),
    FieldKind.INTEGER: lambda a: models.BigIntegerField(a.display_name, null=True, blank=True),
    FieldKind.NUMBER: lambda a: models.DecimalField(a.display_name, max_digits=19, decimal_places=4, null=True,
                                                    blank=True),
}


def _add_attributes(model, entity, declared: set[str]) -> None:
    for attribute in entity.attributes:
        if attribute.name not in declared:
            model.add_to_class(attribute.name, _ATTRIBUTE_COLUMNS[attribute.kind](attribute))


class ProfileRecord(models.Model):
    """What contacts and accounts share: when they were created and last changed, and custom attributes."""

    # Set by the database (the transaction's start) unless the CRM's own value is imported.
    createdon = models.DateTimeField("Created on", db_default=Now())
    # Every change sets it, so that incremental refreshes find the records that changed.
    modifiedon = models.DateTimeField("Modified on", db_default=Now())
    custom = models.JSONField("Custom attributes", default=dict, db_default=models.Value({}, models.JSONField()),
                              blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.modifiedon = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "modifiedon"}
        super().save(*args, **kwargs)


class Account(ProfileRecord):
    accountid = models.UUIDField("AccountId", primary_key=True, default=uuid.uuid4)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["modifiedon"], name="account_modifiedon")]

    def __str__(self):
        return self.name or str(self.accountid)


class Contact(ProfileRecord):
    contact_id = models.UUIDField("ContactId", primary_key=True, default=uuid.uuid4)
    fullname = models.CharField("Full name", max_length=200, blank=True, default="")
    emailaddress1 = models.CharField("Email", max_length=254, blank=True, default="")
    parentcustomerid = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                         db_column="parentcustomerid", related_name="contacts",
                                         verbose_name="Company name")

    class Meta:
        ordering = ["fullname"]
        # The filters marketers use most: where contacts are (compared case-insensitively, as the compiler does),
        # their company, when they were created; modifiedon serves incremental refreshes.
        indexes = [models.Index(fields=["fullname"], name="interaction_fullnam_0fd2c5_idx"),
                   models.Index(fields=["emailaddress1"], name="interaction_emailad_fee625_idx"),
                   models.Index(Lower("address1_country"), name="contact_country_lower"),
                   models.Index(Lower("address1_city"), name="contact_city_lower"),
                   models.Index(fields=["createdon"], name="contact_createdon"),
                   models.Index(fields=["modifiedon"], name="contact_modifiedon")]

    def __str__(self):
        return self.fullname or self.emailaddress1 or str(self.contact_id)


_add_attributes(Account, ACCOUNT, {"accountid", "createdon", "modifiedon"})
_add_attributes(Contact, CONTACT, {"contactid", "fullname", "emailaddress1", "parentcustomerid", "createdon",
                                   "modifiedon"})


class CustomAttribute(models.Model):
    """An attribute an organisation added to contacts or accounts (`cr3f1_loyaltytier`), stored in `custom`."""

    entity = models.CharField(max_length=20, choices=[(e.name, e.display_name) for e in ENTITIES])
    logical_name = models.CharField(
        max_length=100, validators=[RegexValidator(
            r"^[a-z][a-z0-9]{0,7}_[a-z0-9_]+$",
            "a logical name is lower case with its publisher prefix, like cr3f1_loyaltytier")],
        help_text="Lower case with the publisher prefix, as in Dataverse: cr3f1_loyaltytier.")
    display_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in CUSTOM_KINDS])

    class Meta:
        ordering = ["entity", "logical_name"]
        constraints = [models.UniqueConstraint(fields=["entity", "logical_name"], name="custom_attribute_unique")]

    def __str__(self):
        return f"{self.entity}.{self.logical_name}"

    def clean(self):
        found = entity(self.entity)
        if found is not None and found.attribute(self.logical_name or "") is not None:
            raise ValidationError({"logical_name": f"{self.logical_name} is a standard {self.entity} attribute"})

    def as_attribute(self) -> Attribute:
        return Attribute(self.logical_name, FieldKind(self.kind), self.display_name, custom=True)

    @classmethod
    def lookup(cls, entity_name: str, name: str) -> Attribute | None:
        found = cls.objects.filter(entity=entity_name, logical_name=name).first()
        return found.as_attribute() if found is not None else None


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
