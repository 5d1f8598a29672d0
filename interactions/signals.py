from django.dispatch import Signal

# Sent after the transaction that stored new interactions commits; `types` names the interaction types.
interactions_stored = Signal()
