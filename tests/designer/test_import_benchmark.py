"""`benchmark --sections import`: import_jsonl and the ingest API each write the rows, beside plain COPYs of the
same rows, and the section leaves the database as it found it. (Figures are only printed; nothing is timed.)"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from interactions.demo.generator import DemoData
from interactions.demo.loader import write_demo
from interactions.models import INTERACTION_MODELS, ApiToken
from segments import roles

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def rates(out: str) -> dict[str, int]:
    """Each line's label and its rows/s."""
    found = re.findall(r"^  (.+?)\s+([\d,]+) rows/s", out, flags=re.MULTILINE)
    return {label.strip(): int(rate.replace(",", "")) for label, rate in found}


def test_the_import_section_writes_through_import_jsonl_and_the_ingest_api_and_leaves_nothing_behind(had_group):
    write_demo(DemoData(contacts=300, interactions=3_000, seed=6))
    opened = INTERACTION_MODELS["EmailOpened"].objects.count()
    users = get_user_model().objects.count()
    out = io.StringIO()
    call_command("benchmark", "--sections", "import", "--import-rows", "1200", "--repeat", "1", stdout=out)
    figures = rates(out.getvalue())
    assert list(figures) == ["import_jsonl", "ingest API", "plain COPY, bare table", "plain COPY, same indexes",
                             "plain COPY, the table itself"]
    assert all(rate > 0 for rate in figures.values())
    assert re.search(r"the table itself .*; import_jsonl takes [\d.]+x, the API [\d.]+x", out.getvalue())
    # What both wrote is deleted again, and so are the API's temporary user and its token.
    assert INTERACTION_MODELS["EmailOpened"].objects.count() == opened
    assert get_user_model().objects.count() == users and not ApiToken.objects.exists()
    assert Group.objects.filter(name=roles.INGEST).exists() == had_group


@pytest.fixture(params=[True, False], ids=["the Ingest group", "no Ingest group"])
def had_group(request):
    """The migrations make the Ingest group; a database may have lost it (a flushed test database has)."""
    Group.objects.filter(name=roles.INGEST).delete()
    if request.param:
        Group.objects.create(name=roles.INGEST)
    return request.param
