"""Running in production: health and readiness, metrics, the worker and beat heartbeats, CSP, log format."""
