"""The live-update tests run against a demo database and server of their own.

Every ``Desk`` takes a commune of the demo province without a plan of the cycle, and the
province has only so many: with these tests beside the journeys, the suite ran out. The
package-scoped fixtures of tests/contract/conftest.py, declared again here, give this
package its own copy of the demo (its own free communes) and its own server.
"""

from tests.contract.conftest import base_url, demo, demo_database, listening_socket

__all__ = ["base_url", "demo", "demo_database", "listening_socket"]
