"""The Redis broker transport, with one mend: a worker survives a Redis restart.

When Redis goes away under a worker that holds unacknowledged tasks, Celery closes the connection and kombu
(5.7.0, with redis-py 6.4 to 8.1 alike) tries to put those tasks back through a connection that is already
closed: `AttributeError: 'NoneType' object has no attribute 'hostname'`, which Celery takes as unrecoverable,
and the worker exits. Here that attempt fails as the connection error it is, which Celery shrugs off while
it reconnects; the tasks stay in Redis's unacknowledged set and come back after the visibility timeout
(sooner if the worker itself still finishes and acknowledges them).
"""

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed; unacknowledged tasks stay in Redis")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
