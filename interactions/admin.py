from django.contrib import admin, messages

from .models import INTERACTION_MODELS, RECORD_MODELS, ApiToken, Contact


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "is_active", "created", "last_used"]
    list_filter = ["is_active"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created", "last_used"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.issue(name=obj.name, user=obj.user)
        obj.pk = token.pk
        messages.warning(request, f"The key of '{token.name}' is {key} — copy it now, it is not shown again.")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "contact_id", "created"]
    search_fields = ["full_name", "email", "=contact_id"]
    show_full_result_count = False


for _model in RECORD_MODELS.values():
    admin.site.register(_model, search_fields=["name", "=id"], list_display=["name", "id"])

for _model in INTERACTION_MODELS.values():
    admin.site.register(_model, list_display=["interaction_id", "contact", "timestamp"], date_hierarchy="timestamp",
                        raw_id_fields=["contact"], show_full_result_count=False, list_select_related=["contact"])
