"""LOG_FORMAT=json: one JSON object per line.

A record logged with a dict as its arguments (`logger.info("evaluation segment=%(segment)s", {...})`) also
carries that dict's items as fields, so the same call reads well as text and is queryable as JSON.
"""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if isinstance(record.args, Mapping):
            line.update({key: value for key, value in record.args.items() if key not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
