"""``python -m runwell``: the same as the ``runwell`` command."""

from __future__ import annotations

import sys

from runwell.cli import main

if __name__ == "__main__":
    sys.exit(main())
