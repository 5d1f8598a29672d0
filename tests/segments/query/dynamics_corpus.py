"""Real Dynamics 365 Marketing segment query strings from public sources, as their authors wrote them.

Each entry: (source, query text, expected). `expected` is None for a string the spec's grammar accepts, else
the start of the positioned error it must get ("line:column: message"). Sources, by the short names below:
- API: "Basic operations on segments using API" (Dynamics 365 Marketing developer docs, msdyncrm_segments;
  MicrosoftDocs/dynamics-365-customer-engagement, ce/marketing/developer/segmentation-api.md, and the later
  Customer Insights - Journeys copy of the same article).
- DEF: "Segment Query definition" (same docs repository, ce/marketing/developer/segment-query-definition.md;
  also learn.microsoft.com/dynamics365/customer-insights/journeys/developer/segment-query-definition).
- CIJ: the real-time journeys segment definition API article (msdynmkt_segmentdefinitions example request).
- SDK: a public sample plugin test that builds msdynmkt_segmentquery strings (a compound with SEGMENT_CJO_ID_).
- HYG: the public repository mylokaye/Dynamics-365-Segment-Hygiene, README.md (several versions).
- INS: the Customer Insights segment API reference sample response (segmentDefinition.query).
- INT: interaction examples from the same docs (segments-interaction / DEF examples 6, 12).
"""

HYGIENE_FIRST_NAMES = (
    "PROFILE(contact, contact_1)\n    .FILTER(" + " || ".join(
        f"contact_1.firstname == '{c}'" for c in "ABCDEGHIJLMNPRSXdx.-") + " || ISNULL(contact_1.firstname))")

CORPUS: list[tuple[str, str, str | None]] = [
    # --- profile queries the grammar accepts ------------------------------------------------------------
    ("API", "PROFILE(contact, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1) && ISNOTNULL(contact_1.fullname))",
     None),
    ("API", "PROFILE(contact).FILTER((address1_city == 'NewYork' || address1_city == 'NewJersey'))", None),
    ("API", "PROFILE(account, account_1).FILTER(account_1.accountid == '1cc00a15-37ef-e911-a81d-000d3a6d200c')"
            ".TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))", None),
    ("API", "PROFILE(contact)", None),
    ("HYG", HYGIENE_FIRST_NAMES, None),
    ("HYG", "PROFILE(contact, contact_1)\n  .FILTER(\n    contact_1.emailaddress1 CONTAINS '@' &&\n"
            "    contact_1.emailaddress1 ENDSWITH '.com' &&\n    contact_1.emailaddress1 != 'a@b.com'\n  )", None),
    ("HYG", "PROFILE(contact, contact_1)\n    .FILTER(contact_1.emailaddress1 CONTAINS ',' || "
            "contact_1.emailaddress1 CONTAINS ';' || contact_1.emailaddress1 CONTAINS '(' || "
            "contact_1.emailaddress1 CONTAINS ')' || contact_1.emailaddress1 CONTAINS '<' || "
            "contact_1.emailaddress1 CONTAINS '>' || contact_1.emailaddress1 CONTAINS '/')", None),
    # --- compounds: profile, behavioral and SEGMENT operands --------------------------------------------
    ("API", "SEGMENT(segment1) UNION SEGMENT(segment2)", None),
    ("SDK", "PROFILE(contact).FILTER(ISNOTNULL(emailaddress1)) UNION "
            "SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc)", None),
    ("INT", "INTERACTION(EmailSoftBounced, EmailSoftBounced_ContactLink).HAVING(COUNT()>10, UTCMONTHS(1))", None),
    # --- the reference pages: mostly other entities and constructs, each refused with its position --------
    ("API", "PROFILE(UnknownEntity)", "1:9: PROFILE(UnknownEntity): UnknownEntity records are not supported"),
    ("API", "(SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc)).ORDERBY(fullname ASC).SKIP(0).TAKE(15)"
            ".SELECT(contactid)", "1:60: .ORDERBY(...) is not supported: a segment's members have no order"),
    ("CIJ", "PROFILE(contact).FILTER(ISNOTNULL(address1_county))",
     "1:25: unknown attribute 'address1_county' on contact; did you mean 'address1_country'?"),
    ("INS", "PROFILE(contact).FILTER(FirstName!='Sally')", None),
    ("DEF", "PROFILE(Campaign).FILTER(Name == 'Campaign 1').TRAVERSE(ActivityContactProcessed_Campaign)",
     "1:9: PROFILE(Campaign): Campaign records are not supported"),
    ("DEF", "PROFILE(Campaign).TRAVERSE(ActivityLeadProcessed_Campaign).FILTER(StartDate > '2017-03-30')",
     "1:9: PROFILE(Campaign): Campaign records are not supported"),
    ("DEF", "PROFILE(CreditCard).FILTER(DATEDIFF(day, ExpirationDate, DateTimeNowUtc()) < 30)"
            ".TRAVERSE(HavingCreditCard)", "1:9: PROFILE(CreditCard): CreditCard records are not supported"),
    ("DEF", "PROFILE(Contact).FILTER(NumberOfActivePurchasedItems > 0 && Product == 'CreditCard' && "
            "DATEDIFF(month, ExpirationDate,DATETIMEUTCNOW()) < 1)",
     "1:25: unknown attribute 'numberofactivepurchaseditems' on contact"),
    ("DEF", "PROFILE(Activity).FILTER(ActivityType == 'Football').TRAVERSE('SubscribedToActivity')"
            ".FILTER(Age > 20 && Age < 35)", "1:9: PROFILE(Activity): Activity records are not supported"),
    ("DEF", "PROFILE(Membership).TRAVERSE(InSubscription, FILTER(Status == 'Active'))",
     "1:9: PROFILE(Membership): Membership records are not supported"),
    ("DEF", "PROFILE(Campaign) .FILTER(Market == 'Hi tech' && Revenue > 10000000000 && NumberOfOrders > 1000000000)"
            ".TRAVERSE(ActivityContactProcessed_Campaign).FILTER(Position =='Marketing Manager' || "
            "Position == 'Sales Manager' ||Position == 'Finance Manager')",
     "1:9: PROFILE(Campaign): Campaign records are not supported"),
    ("DEF", "SEGMENT(SegmentOnProfile).UNION(SegmentOnReceivedEmail).EXCEPT(SegmentRegisteredInEvent)",
     "1:27: .UNION(...) is not how sets combine here: write UNION between two operands"),
    ("DEF", "PROFILE(Contact).FILTER(Sex == 'M' && Country == 'USA' && Age >= 15 && Age <= 25 && Income > 50000 )",
     "1:25: unknown attribute 'sex' on contact"),
    ("DEF", "PROFILE(Contact).FILTER(Position == 'CEO').TRAVERSE(HavingAccount).TRAVERSE(Ordered)"
            ".FILTER(Name == 'Product Xgenerator')",
     "1:53: unknown relationship 'HavingAccount': profile queries traverse contact_account_parentcustomerid"),
    ("DEF", "PROFILE(Contact).FILTER(Unsubscribed > CampaignStartDate)",
     "1:40: expected a value ('string', number, True or False, DATETIMEUTCNOW(), DATE(...), DATEADD(...))"),
    ("DEF", "PROFILE(Event).FILTER(Name CONTAINS 'run')", "1:9: PROFILE(Event): Event records are not supported"),
    ("DEF", "PROFILE(Event).FILTER(Name ENDSWITH 'run')", "1:9: PROFILE(Event): Event records are not supported"),
    ("DEF", "PROFILE(Customer).FILTER(ISNULL(Address))", "1:9: PROFILE(Customer): Customer records are not supported"),
    ("DEF", "SEGMENT(SegmentWithImportantServiceTickets)INTERSECT SEGMENT(ThankYouMktSegment)", None),
    ("DEF", "INTERACTION(EmailOpened, EmailOpenedLeadLink).FILTER(Name == 'Campaign 1')).HAVING(COUNT()>0)",
     "1:26: unknown link 'EmailOpenedLeadLink': only contact links exist, write EmailOpened_ContactLink"),
    ("HYG", "FILTER(\n  Contact.firstname MATCHES_REGEX \"^[A-Z]+$\"\n)",
     "2:35: strings are written in single quotes: 'like this'"),
]
