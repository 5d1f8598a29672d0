"""Small builders of import objects for the ingest tests."""

import uuid

JOURNEY = "5acc43d5-356e-e811-a960-000d3a1cae35"


def guid(n: int) -> str:
    return str(uuid.UUID(int=n))


def contact(n: int, **fields) -> dict:
    return {"type": "Contact", "ContactId": guid(n), "FullName": f"Contact {n}", "Email": f"c{n}@example.com",
            **fields}


def interaction(kind: str, n: int, contact_n: int, **fields) -> dict:
    return {"type": kind, "InteractionId": guid(10**9 + n), "ContactId": guid(contact_n),
            "Timestamp": "2026-10-20T08:15:00Z", **fields}
