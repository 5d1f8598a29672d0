"""Demo data: contacts, marketing records and a realistic stream of interactions, from a seed.

`generator.DemoData(contacts=N, interactions=M, seed=S, anchor=A)` describes one data set; its `records()`,
`contacts()` and `interactions()` produce it (the interactions come from `stream`; the accounts and the
contacts' profile attributes from `profiles`, which describes them), and `loader.write_demo()` stores it (COPY
on PostgreSQL, executemany elsewhere, one transaction). `vocabulary` holds the fixed lists
and weights everything is drawn from, `draws` the GUID and weighting helpers the generator and the stream share.

Determinism: everything, including every GUID, comes from `random.Random` instances seeded with S, and
every timestamp is a whole number of seconds counted from the anchor A (by default now, truncated to the
hour). The same seed and the same anchor give identical rows; a different anchor shifts the calendar
(weekends, months, record names with years) and so gives different data.

What the stream looks like:
- the time window is the 730 days before the anchor; activity follows the calendar (fewer interactions on
  weekends and around Christmas, a business-hours peak in UTC) and grows slowly over the two years;
- a contact's activity weight is lognormal, so a few contacts are very active and many are quiet
  (the top 10% of contacts typically do more than half of everything);
- interactions come in episodes: an email send and its funnel (sent, then delivered ~97% or a bounce or
  block; opened by ~20-30% of the delivered, some more than once; clicked by ~10-20% of the openers;
  now and then forwarded, a spam complaint or an unsubscribe), a website session, a form visit and
  submission, a redirect link, an event registration with check-in or cancellation, a survey response,
  a subscription-center visit, a lead score boost. IDs within an episode are consistent (the send's
  journey and email, the form's page, the event's promoting journey);
- follow-ups that would fall after the anchor (an open tomorrow, a check-in at a future event) have not
  happened yet and are left out;
- the number of interaction rows is exactly M: episodes are generated day by day until each day's share
  is reached, and the last episode is cut short at M;
- rows come in timestamp order, as a live system stores them (an episode's follow-ups wait for their day).

Values are produced in a storage-neutral text form: GUIDs as 32 hex digits, timestamps as
'YYYY-MM-DD HH:MM:SS' in UTC, other values as str, int or None. Both PostgreSQL (uuid, timestamptz
with the session in UTC) and Django's SQLite columns take these as they are.
"""

