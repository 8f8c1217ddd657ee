"""The build's notion of "now": SOURCE_DATE_EPOCH when set, so output is reproducible."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo


def reference_time(zone_name: str = "Asia/Shanghai") -> datetime:
    """Now in the site time zone, or the moment SOURCE_DATE_EPOCH names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.astimezone(ZoneInfo(zone_name))
