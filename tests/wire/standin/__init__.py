"""A Discord stand-in on real sockets: Gateway v10 and the REST v10 routes kdrama-bot uses.

The server runs inside the test process; the bot runs as a subprocess against it, so a test
can SIGKILL the bot and still read what "Discord" holds in :class:`World`.
"""

from tests.wire.standin.server import Fault, StandIn
from tests.wire.standin.world import World

__all__ = ["Fault", "StandIn", "World"]
