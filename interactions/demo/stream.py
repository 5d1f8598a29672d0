"""The interaction rows of a demo data set, generated episode by episode and day by day (the package
docstring describes what the stream looks like)."""

from __future__ import annotations

import bisect
import operator
import random
from collections.abc import Callable, Iterator
from datetime import timedelta

from ..catalog import INTERACTION_TYPES
from .draws import DAY, cumulative, guid_hex, guid_text
from .vocabulary import (
    BLOCKED_REASONS,
    BOOST_VALUES,
    BOUNCE_CATEGORIES,
    EPISODES,
    HOUR_WEIGHTS,
    REFERRERS,
    SCORE_WEIGHTS,
    SEARCH_PHRASES,
    SEGMENTS,
    WEEKDAY_WEIGHTS,
)


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(names) == 1:
        name = names[0]
        return lambda ctx: (ctx[name],)
    return operator.itemgetter(*names)


_SECOND = operator.itemgetter(0)


def _settled(pending: dict[int, list], *, before: int | None = None) -> Iterator[tuple[str, tuple | str]]:
    """The pending rows of the days before `before` (all of them without it), as (type name, row), in
    timestamp order; rows of one second keep the order they were made in (the sort is stable)."""
    for day in sorted(day for day in pending if before is None or day < before):
        rows = pending.pop(day)
        rows.sort(key=_SECOND)
        for _, type_name, row in rows:
            yield type_name, row


class Stream:
    """Generates the interaction rows of a DemoData, episode by episode, day by day.

    In text mode a row is one line of PostgreSQL COPY text (tab-separated, \\N for a missing value, numbers
    as digits) instead of a tuple; the values are the same. Episodes write `self.null` for a missing value
    and `self.number(n)` for a number so that the text line needs no per-value conversion.
    """

    def __init__(self, data, text: bool = False):  # a DemoData; not annotated: generator imports this module
        self.data = data
        self.null = "\\N" if text else None
        self.number = str if text else int
        if text:
            self.emit = self.emit_text
        self.profiles = [{k: self.null if v is None else v for k, v in p.items()} for p in data._profiles]
        self.rng = random.Random(data.seed * 1_000_003 + 17)
        self.getters = {t.name: _getter(tuple(f.name for f in t.fields)) for t in INTERACTION_TYPES}
        names: list[str] = []
        for t in INTERACTION_TYPES:
            names.extend(f.name for f in t.fields if f.name not in names)
        self.blank = dict.fromkeys(names, self.null)
        self.out: list[tuple[int, str, tuple | str]] = []  # (second, type name, row) of the current episode
        self.hour_cum = cumulative(HOUR_WEIGHTS)
        self.episode_kinds = [k for k, _ in EPISODES]
        self.episode_cum = cumulative(w for _, w in EPISODES)
        self.referrer_cum = cumulative(w for _, _, w in REFERRERS)
        self.score_cum = cumulative(SCORE_WEIGHTS)

    # -- calendar

    def _day_weights(self) -> list[float]:
        data, rng = self.data, self.rng
        weights = []
        for d in range(data.day_count):
            day = data.origin.date() + timedelta(days=d)
            w = WEEKDAY_WEIGHTS[day.weekday()] * (0.55 + 0.45 * d / data.day_count) * rng.uniform(0.85, 1.15)
            if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
                w *= 0.45
            elif day.month == 8:
                w *= 0.8
            start, end = max(data.lo, d * DAY), min(data.hi, (d + 1) * DAY)
            weights.append(w * max(0, end - start) / DAY)
        return weights

    def rows(self) -> Iterator[tuple[str, tuple]]:
        data, rng = self.data, self.rng
        total = data.interaction_count
        if total == 0:
            return
        weights = self._day_weights()
        cum = cumulative(weights)
        emitted = 0
        episodes = {"email": self.email, "web": self.web, "form": self.form, "event": self.event,
                    "redirect": self.redirect, "survey": self.survey, "subscription": self.subscription,
                    "boost": self.boost}
        out = self.out
        random_ = rng.random
        kinds, kinds_cum = self.episode_kinds, self.episode_cum
        kinds_total = kinds_cum[-1]
        # Rows leave in timestamp order, as a live system stores them when they happen (an episode's
        # follow-ups, an open days after its send, wait for their day): a BRIN index on the timestamp then
        # bounds an hour to a few block ranges. In episode order, each range spanned two weeks, and finding
        # the contacts whose interactions left a moving window read 9,000 pages for an hour's 400 rows.
        pending: dict[int, list] = {}  # the rows not yet given, by the day of their timestamp
        for d in range(data.day_count):
            yield from _settled(pending, before=d)  # no episode from day d on reaches back before it
            target = total if d == data.day_count - 1 else round(total * cum[d] / cum[-1])
            lo, hi = max(data.lo, d * DAY), min(data.hi, (d + 1) * DAY)
            full_day = hi - lo == DAY
            while emitted < target:
                if full_day:
                    hour = bisect.bisect(self.hour_cum, random_() * self.hour_cum[-1])
                    start = lo + hour * 3600 + int(random_() * 3600)
                else:
                    start = lo + int(random_() * (hi - lo))
                kind = kinds[bisect.bisect(kinds_cum, random_() * kinds_total)]
                out.clear()
                episodes[kind](d, start)
                for item in out:
                    pending.setdefault(item[0] // DAY, []).append(item)
                    emitted += 1
                    if emitted == total:
                        yield from _settled(pending)
                        return
        yield from _settled(pending)

    # -- building blocks

    def _contact(self, cum) -> int:
        return bisect.bisect(cum, self.rng.random() * cum[-1])

    def _ctx(self, c: int, web: bool) -> dict:
        data = self.data
        ctx = self.blank.copy()
        ctx["EmailDomain"] = data.contact_domains[c]
        ctx["EmailAddressUsed"] = data.contact_emails[c]
        ctx["c"] = data.contact_ids[c]
        if web:
            ctx.update(self.profiles[data.contact_profiles[c]])
            h = ctx["c"]
            ctx["VisitorId"] = f"{h[16:24]}-{h[24:28]}-{h[4:8]}-{h[8:12]}-{h[:4]}{h[28:]}"
        return ctx

    def emit(self, type_name: str, second: int, ctx: dict):
        if second < self.data.hi:
            self.out.append((second, type_name, (guid_hex(self.rng), ctx["c"], self.data.timestamp(second))
                             + self.getters[type_name](ctx)))

    def emit_text(self, type_name: str, second: int, ctx: dict):
        if second < self.data.hi:
            self.out.append((second, type_name, f"{guid_hex(self.rng)}\t{ctx['c']}\t{self.data.timestamp(second)}\t"
                             + "\t".join(self.getters[type_name](ctx))))

    def _journey_fields(self, ctx: dict, journey: int, message: int | None, activity: str | None):
        data = self.data
        j = data.journeys[journey]
        ctx["CustomerJourneyId"] = j.id
        ctx["CustomerJourneyIterationId"] = j.iteration
        ctx["ActivityId"] = activity
        if message is not None:
            ctx["MessageId"] = data.messages[message][0]

    def _delay(self, mu: float, sigma: float, cap: int) -> int:
        return min(cap, int(self.rng.lognormvariate(mu, sigma))) + 1

    def _pick_send(self, d: int):
        sends, cum = self.data.day_sends[d]
        return sends[bisect.bisect(cum, self.rng.random() * cum[-1])]

    # -- episodes

    def email(self, d: int, t: int):
        data, rng = self.data, self.rng
        random_ = rng.random
        c = self._contact(data.send_cum)
        ctx = self._ctx(c, web=True)
        journey, message, activity = self._pick_send(d)
        self._journey_fields(ctx, journey, message, activity)
        ctx["SendingId"] = f"{data.messages[message][0][:24]}{d:08x}"
        ctx["UsageType"] = "Commercial" if random_() < 0.93 else "Transactional"
        emit = self.emit
        emit("EmailSent", t, ctx)
        t += 2 + int(random_() * 90)
        r = random_()
        if r >= 0.97:
            if r < 0.982:
                kind = "EmailHardBounced"
            elif r < 0.992:
                kind = "EmailSoftBounced"
            elif r < 0.996:
                kind = "EmailBlockBounced"
            else:
                kind = "EmailBlocked"
                ctx["BlockedReason"] = rng.choice(BLOCKED_REASONS)
            if kind != "EmailBlocked":
                ctx["BounceCategory"] = rng.choice(BOUNCE_CATEGORIES[kind])
            emit(kind, t, ctx)
            return
        emit("EmailDelivered", t, ctx)
        eng = data.engagement[c]
        if random_() < 0.0006:
            emit("EmailFeedbackLoop", t + self._delay(9, 1.5, 20 * DAY), ctx)
            return
        if random_() >= min(0.85, 0.24 * eng):
            return
        links = data.messages[message][1]
        t += self._delay(8.0, 1.6, 14 * DAY)
        emit("EmailOpened", t, ctx)
        opened_at = t
        while random_() < 0.3:
            t += self._delay(9.0, 1.5, 10 * DAY)
            emit("EmailOpened", t, ctx)
        if random_() < 0.004:
            ctx["SecondaryRecipientProfileId"] = guid_text(rng)
            emit("EmailForwarded", opened_at + self._delay(6, 1.5, 3 * DAY), ctx)
        if random_() < 0.004:
            ctx["SegmentId"] = data.journeys[journey].segment
            emit("SegmentUnsubscribed", opened_at + self._delay(4, 1, 3600), ctx)
            return
        if random_() >= min(0.6, 0.15 * eng):
            return
        t = opened_at + self._delay(4.0, 1.3, 2 * DAY)
        while True:
            link_id, friendly, original, url = links[int(random_() * len(links))]
            ctx["LinkId"], ctx["LinkFriendlyName"], ctx["OriginalLink"], ctx["OriginalUrl"] = (
                link_id, friendly, original, url)
            emit("EmailClicked", t, ctx)
            if random_() < 0.5:
                self._visit(t + 2, ctx, url, referrer=self.null, pages=1 + int(random_() * 3), with_journey=True)
            if url.endswith("/pricing") and random_() < 0.5:
                ctx["BoostValue"] = self.number(10)
                emit("LeadScoreBoost", t + 5, ctx)
            if random_() >= 0.25:
                break
            t += self._delay(4.0, 1.0, 3600)

    def _visit(self, t: int, ctx: dict, address: str, referrer: str | None, pages: int, with_journey: bool):
        """A website session starting at `address`; may end on a form."""
        data, rng = self.data, self.rng
        random_ = rng.random
        ctx["SessionId"] = guid_text(rng)
        ctx["VisitorReturningStatus"] = "Returning" if random_() < 0.7 else "New"
        if not with_journey:
            ctx["CustomerJourneyId"] = ctx["MessageId"] = self.null
        site = data.website_of_address.get(address)
        if site is None:
            site, addresses = data.websites[0]
        else:
            addresses = next(a for wid, a in data.websites if wid == site)
        ctx["WebsiteId"] = site
        for i in range(pages):
            page = data.page_by_address.get(address)
            ctx["PageAddress"] = address
            ctx["PageId"] = page[0] if page else self.null
            ctx["ReferrerUri"] = referrer
            duration = self._delay(3.5, 1.0, 1800)
            ctx["VisitDuration"] = str(duration)
            self.emit("WebsiteVisited", t, ctx)
            if random_() < 0.25:
                target = addresses[int(random_() * len(addresses))]
                ctx["Link"] = target
                ctx["LinkFriendlyName"] = target.rsplit("/", 1)[-1].replace("-", " ").capitalize() or "Home"
                self.emit("WebsiteClicked", t + int(duration * random_()), ctx)
            if i > 0 or random_() < 0.5:
                ctx["SearchPhrase"] = ctx["SearchEngineName"] = self.null
            if page and page[1] and random_() < 0.3:
                self._form(t + 5, ctx, page[0], page[1], referrer=address)
                return
            referrer = address
            address = addresses[int(random_() * len(addresses))]
            t += duration

    def _form(self, t: int, ctx: dict, page: str | None, form: str, referrer: str | None):
        data, rng = self.data, self.rng
        ctx["FormId"], ctx["PageId"], ctx["ReferrerUri"] = form, self.null if page is None else page, referrer
        self.emit("FormVisited", t, ctx)
        if rng.random() >= data.form_submit_rate[form]:
            return
        t += self._delay(4.5, 0.8, 3600)
        ctx["FormSubmissionId"] = guid_text(rng)
        self.emit("FormSubmitted", t, ctx)
        if form == data.form_ids["Newsletter Signup"] or (form == data.form_ids["Preference Center"]
                                                           and rng.random() < 0.5):
            ctx["SegmentId"] = data.segment_ids["Monthly Newsletter"]
            self.emit("SegmentSubscribed", t + 1, ctx)
        elif rng.random() < 0.5:
            ctx["BoostValue"] = self.number(rng.choice(BOOST_VALUES))
            self.emit("LeadScoreBoost", t + 2, ctx)

    def _search(self, ctx: dict) -> str | None:
        rng = self.rng
        referrer, engine, _ = rng.choices(REFERRERS, cum_weights=self.referrer_cum)[0]
        ctx["SearchEngineName"] = engine or self.null
        ctx["SearchPhrase"] = rng.choice(SEARCH_PHRASES) if engine and rng.random() < 0.2 else self.null
        return referrer or self.null

    def web(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        referrer = self._search(ctx)
        site, addresses = data.websites[bisect.bisect(data.website_cum, rng.random() * data.website_cum[-1])]
        address = addresses[0] if rng.random() < 0.4 else rng.choice(addresses)
        self._visit(t, ctx, address, referrer, pages=min(8, 1 + int(rng.expovariate(0.6))), with_journey=False)

    def form(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        referrer = self._search(ctx)
        if rng.random() < 0.3:
            journey, message, activity = self._pick_send(d)
            self._journey_fields(ctx, journey, message, activity)
        page, form = rng.choice(data.form_pages)
        self._form(t, ctx, page, form, referrer)

    def redirect(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        link_id, short, target = rng.choice(data.redirects)
        ctx["LinkId"], ctx["Link"], ctx["OriginalUrl"] = link_id, short, target
        if rng.random() < 0.3:
            journey, message, activity = self._pick_send(d)
            self._journey_fields(ctx, journey, message, activity)
        self.emit("RedirectLinkClicked", t, ctx)
        if rng.random() < 0.8:
            self._visit(t + 1, ctx, target, referrer=short, pages=1 + int(rng.expovariate(0.8)), with_journey=True)

    def event(self, d: int, t: int):
        data, rng = self.data, self.rng
        events, cum = data.day_events[d]
        if not events:
            return self.web(d, t)
        e = events[bisect.bisect(cum, rng.random() * cum[-1])]
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        ctx["EventId"] = e.id
        promoted = e.journey is not None and rng.random() < 0.7
        ctx["CustomerJourneyId"] = data.journeys[e.journey].id if promoted else self.null
        ctx["EventRegistrationId"] = guid_text(rng)
        self.emit("EventRegistration", t, ctx)
        event_start = e.day * DAY + e.hour * 3600
        r = rng.random()
        if r < 0.1:
            self.emit("EventRegistrationCanceled", t + int(rng.random() * max(60, event_start - t)), ctx)
        elif r < 0.1 + 0.9 * 0.6:  # ~60% of all registrations check in
            ctx["EventCheckInId"] = guid_text(rng)
            check_in = event_start - 900 + int(rng.random() * 1800)
            self.emit("EventCheckIn", check_in, ctx)
            if rng.random() < 0.25:
                ctx["SurveyId"] = data.survey_ids[2 if e.weight > 1 else 3]
                ctx["Score"] = self.number(bisect.bisect(self.score_cum, rng.random() * self.score_cum[-1]))
                self.emit("SurveyResponse", check_in + DAY + int(rng.random() * 2 * DAY), ctx)

    def survey(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        ctx["SurveyId"] = rng.choice(data.survey_ids)
        ctx["Score"] = self.number(bisect.bisect(self.score_cum, rng.random() * self.score_cum[-1]))
        if rng.random() < 0.4:
            ctx["CustomerJourneyId"] = data.journeys[self._pick_send(d)[0]].id
        self.emit("SurveyResponse", t, ctx)

    def subscription(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=True)
        journey, message, activity = self._pick_send(d)
        ctx["CustomerJourneyId"] = data.journeys[journey].id
        ctx["MessageId"] = data.messages[message][0]
        ctx["SendingId"] = f"{data.messages[message][0][:24]}{max(0, d - 1):08x}"
        ctx["UsageType"] = "Commercial"
        self.emit("EmailSubscriptionSubmit", t, ctx)
        for _ in range(1 + (rng.random() < 0.3)):
            ctx["SegmentId"] = data.segment_ids[rng.choice(SEGMENTS)]
            self.emit("SegmentSubscribed" if rng.random() < 0.45 else "SegmentUnsubscribed", t + 1, ctx)

    def boost(self, d: int, t: int):
        data, rng = self.data, self.rng
        c = self._contact(data.active_cum)
        ctx = self._ctx(c, web=False)
        journey, message, activity = self._pick_send(d)
        self._journey_fields(ctx, journey, None, activity)
        ctx["BoostValue"] = self.number(rng.choice(BOOST_VALUES))
        self.emit("LeadScoreBoost", t, ctx)
