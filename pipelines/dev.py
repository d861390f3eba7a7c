"""`make dev`: `dagster dev` that Ctrl-C and SIGTERM stop however it was launched.

A command that a non-interactive shell starts in the background (``make dev &`` in a script, a CI
step, ``nohup``) inherits SIGINT ignored, and Python then leaves it ignored. `dagster dev` maps
SIGTERM onto SIGINT's handler, so it would ignore both, and its UI, daemon and code servers would
outlive a ``kill``. This puts SIGINT and SIGTERM back to their defaults and becomes `dagster dev`
(``os.execv``: same process, no Python of ours left around it).

    python -m pipelines.dev -w workspace.yaml [dagster dev options]
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    """Reset SIGINT and SIGTERM to their defaults and exec `dagster dev` with ``argv``."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)  # an ignored signal stays ignored across exec; a default one does not
    dagster = str(Path(sys.executable).with_name("dagster"))
    os.execv(dagster, [dagster, "dev", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
