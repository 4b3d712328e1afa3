"""Retention from the command line: everything past its time deleted once (make purge; bot/storage/retention.py).

python -m bot.ops.retention
"""

from __future__ import annotations

import argparse
import logging

from bot.settings import get_settings
from bot.storage.migrate import upgrade
from bot.storage.retention import purge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Delete conversations and handoff requests past their retention.")
    parser.parse_args(argv)
    settings = get_settings()
    upgrade(settings.database_url)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    result = purge(settings)
    print(
        f"purged {result.conversations} conversations ({result.events} events), {result.intakes} intake summaries, "
        f"{result.handoffs} handoff requests, {result.counsellor_rows} sessions/failed sign-ins/audit entries"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
