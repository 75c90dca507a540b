"""pytest with the machine's date moved N days ahead (`python -m tests.shifted 40 [pytest args]`).

Tests freeze the app's clock; a test that still reads the real date somewhere (the wall clock in
a fake, a database `now()` compared with the frozen clock) passes on the day it is written and
fails weeks later. Moving the real date makes that failure happen now. The embedded PostgreSQL
and other subprocesses keep the real date: that mismatch is part of what this finds.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine


def main(argv: list[str]) -> int:
    days, *args = argv
    with time_machine.travel(datetime.now(UTC) + timedelta(days=int(days)), tick=True):
        return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
