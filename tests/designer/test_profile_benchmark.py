"""`benchmark --sections profile` on a small demo data set: every segment's refresh agrees with a full evaluation,
and the section leaves the contacts it edited and the segments it made as it found them. (Its figures are
only printed; nothing here times anything.)"""

import io

import pytest
from django.core.management.base import OutputWrapper
from django.utils import timezone

from designer.management.profile_benchmark import benchmark_profiles
from interactions.demo.generator import DemoData
from interactions.demo.loader import write_demo
from interactions.models import Contact
from segments.models import Segment

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def test_the_profile_section_checks_its_refreshes_and_restores_what_it_edited():
    write_demo(DemoData(contacts=600, interactions=8_000, seed=5))
    before = list(Contact.objects.order_by("contact_id").values_list("contact_id", "address1_city", "jobtitle",
                                                                    "modifiedon"))
    text = io.StringIO()
    benchmark_profiles(out=OutputWrapper(text), repeat=1, now=timezone.now(), prefix="benchmark: ", edits=60)
    lines = text.getvalue().splitlines()
    rows = [line for line in lines if line.rstrip().endswith((" ok", "WRONG"))]
    assert len(rows) == 4 and all(line.rstrip().endswith(" ok") and "incremental" in line for line in rows)
    assert "(60 contact edits ingested in" in text.getvalue()
    filters = lines[lines.index(next(line for line in lines if line.startswith("== profile filters"))) + 2:-1]
    assert len(filters) == 8 and all("Scan" in line for line in filters)
    after = list(Contact.objects.order_by("contact_id").values_list("contact_id", "address1_city", "jobtitle",
                                                                   "modifiedon"))
    assert after == before
    assert not Segment.objects.filter(name__startswith="benchmark: ").exists()
