from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "interactions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .catalog import register_custom_attributes
        from .models import ApiToken, CustomAttribute

        register_custom_attributes(CustomAttribute.lookup)

        def revoke_tokens_of_inactive(sender, instance, **kwargs):
            # Deactivating a user revokes their API tokens for good: reactivating does not bring them back.
            if not instance.is_active:
                ApiToken.objects.filter(user=instance, is_active=True).update(is_active=False)

        post_save.connect(revoke_tokens_of_inactive, sender=get_user_model(), weak=False,
                          dispatch_uid="interactions-revoke-tokens-of-inactive")
