"""A scheduler process for the two-process test: runs the weekly prompt, prints chat ids sent."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from storage.db import Database
from tests.auxil.offline import OfflineRequest
from tests.auxil.runners import make_runner


async def main(url: str, moment: str) -> None:
    request = OfflineRequest()
    runner = await make_runner(Database(url), request, concurrency=4)
    await runner.run(datetime.fromisoformat(moment), jobs=("weekly-prompt",))
    print("\n".join(str(c.chat_id) for c in request.sent()))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
