"""The admin console: its site, and the model admins of the store and the engine."""
