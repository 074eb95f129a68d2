import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from portico_client import PORTICO_BIN  # noqa: E402


def pytest_collection_modifyitems(config, items):
    if not os.path.exists(PORTICO_BIN):
        skip = pytest.mark.skip(reason=f"no portico binary at {PORTICO_BIN} (swift build, or set PORTICO_BIN)")
        for item in items:
            item.add_marker(skip)
