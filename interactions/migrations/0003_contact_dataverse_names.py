"""Contacts take the Dataverse logical names (full_name -> fullname, email -> emailaddress1, created -> createdon).

RenameField keeps the columns' data; the two indexes are renamed in place rather than rebuilt.
"""

from django.db import migrations, models

_INDEXES = (("interaction_full_na_935b3b_idx", "interaction_fullnam_0fd2c5_idx", "fullname"),
            ("interaction_email_a9614b_idx", "interaction_emailad_fee625_idx", "emailaddress1"))


class Migration(migrations.Migration):

    dependencies = [
        ("interactions", "0002_brin_indexes"),
    ]

    operations = [
        # Indexes first, while their fields still have the old names (SQLite renames an index by rebuilding it).
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RenameIndex(model_name="contact", old_name=old, new_name=new)
                                 for old, new, _ in _INDEXES]),
        migrations.AlterModelOptions(name="contact", options={"ordering": ["fullname"]}),
        migrations.RenameField(model_name="contact", old_name="created", new_name="createdon"),
        migrations.RenameField(model_name="contact", old_name="email", new_name="emailaddress1"),
        migrations.RenameField(model_name="contact", old_name="full_name", new_name="fullname"),
        # The state's Index lists its fields by name, which RenameField does not update: replace it there.
        migrations.SeparateDatabaseAndState(state_operations=[op for old, new, field in _INDEXES for op in (
            migrations.RemoveIndex(model_name="contact", name=old),
            migrations.AddIndex(model_name="contact", index=models.Index(fields=[field], name=new)))]),
    ]
