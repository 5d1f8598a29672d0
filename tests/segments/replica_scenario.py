"""What test_replica.py runs in a process of its own, configured as production is: DATABASE_URL is the
primary and DATABASE_REPLICA_URL its streaming replica (servers the test started). Prints what each party
saw, as JSON, for the test to judge."""

import json
import re
import time
import uuid

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from interactions.models import ApiToken, Contact, EmailOpened  # noqa: E402
from segments.evaluation import segment_evaluate  # noqa: E402
from segments.models import EvaluationRun, Membership  # noqa: E402
from segments.roles import MARKETERS  # noqa: E402
from segments.services import segment_create, segment_go_live  # noqa: E402

QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


def scalar(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def caught_up():
    """Wait until the replica has replayed everything the primary has written (deadline: 30 s)."""
    target = scalar("default", "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + 30
    while scalar("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") is not True:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def opened(name):
    who = Contact.objects.create(contact_id=uuid.uuid4(), fullname=name, emailaddress1=f"{name.lower()}@example.com")
    EmailOpened.objects.create(interaction_id=uuid.uuid4(), contact=who, timestamp="2026-11-01T12:00:00Z")


def estimate(client, segment):
    page = client.post("/segments/estimate/", {"current_query": QUERY, "segment": segment.pk}).content.decode()
    return int(re.search(r'data-testid="estimate">([\d,]+)<', page).group(1).replace(",", ""))


def members(client, segment, key):
    page = client.get(f"/api/segments/{segment.pk}/members", headers={"Authorization": f"Bearer {key}"}).json()
    return sorted(m["full_name"] for m in page["items"])


def name_on(client, segment, key):
    return client.get(f"/api/segments/{segment.pk}", headers={"Authorization": f"Bearer {key}"}).json()["name"]


def page_title(client, segment):
    return re.search(r"<title>(.*?) ·", client.get(f"/segments/{segment.pk}/").content.decode()).group(1)


def main():
    marketer = User.objects.create_user("ada", password="pw-segments-123")
    marketer.groups.set([Group.objects.get_or_create(name=MARKETERS)[0]])
    key = ApiToken.issue(name="replica test", user=marketer)[1]
    writer, reader = Client(), Client()
    writer.force_login(marketer)
    reader.force_login(marketer)
    opened("Ada")
    segment = segment_create(name="Openers", query_text=QUERY)
    segment_go_live(segment=segment)  # no broker: evaluated in this process, on the primary
    caught_up()

    scalar("replica", "SELECT pg_wal_replay_pause()")  # from here the replica shows the state of this moment
    deadline = time.monotonic() + 30  # the pause is requested; replay stops at its next record
    while scalar("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
        assert time.monotonic() < deadline, "the replica did not pause"
        time.sleep(0.05)
    opened("Bob")
    run = segment_evaluate(segment_id=segment.pk, reason="after Bob")
    paused = {
        "estimate": estimate(reader, segment),
        "members": members(reader, segment, key),
        "primary_members": sorted(Membership.objects.using("default").filter(segment=segment)
                                  .values_list("contact__fullname", flat=True)),
        "run_on_primary": EvaluationRun.objects.using("default").filter(pk=run.pk).exists(),
        "run_on_replica": EvaluationRun.objects.using("replica").filter(pk=run.pk).exists(),
    }
    saved = writer.patch(f"/api/segments/{segment.pk}", json.dumps({"version": 1, "name": "Openers (EU)"}),
                         content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    paused.update(save_status=saved.status_code, writer_api=name_on(writer, segment, key),
                  writer_page=page_title(writer, segment), reader_api=name_on(reader, segment, key),
                  reader_page=page_title(reader, segment), writer_estimate=estimate(writer, segment))

    scalar("replica", "SELECT pg_wal_replay_resume()")
    caught_up()
    resumed = {"estimate": estimate(reader, segment), "members": members(reader, segment, key),
               "reader_api": name_on(reader, segment, key)}
    print(json.dumps({"paused": paused, "resumed": resumed}))


main()
