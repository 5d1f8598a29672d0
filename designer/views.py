from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact


@login_required
def overview(request):
    """What the store holds: contacts, records and interactions per type."""
    interactions = [
        {"name": model.catalog.display_name, "type": model.catalog.name, "count": model.objects.count()}
        for model in INTERACTION_MODELS.values()
    ]
    records = [{"name": model._meta.verbose_name, "count": model.objects.count()} for model in RECORD_MODELS.values()]
    return render(request, "designer/overview.html", {
        "contacts": Contact.objects.count(),
        "interactions": interactions,
        "interaction_total": sum(row["count"] for row in interactions),
        "records": records,
    })
