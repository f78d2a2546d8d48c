"""Reads a Delta Sharing server with the official `delta-sharing` client (PyPI), for the end-to-end tests.

  read_share.py tables PROFILE            -> {"tables": [{"share", "schema", "name"}, ...]}
  read_share.py load PROFILE SHARE.SCHEMA.TABLE [JSON_PREDICATE] -> {"columns": [...], "dtypes": {...}, "rows": [...]}

Values are written as text both sides agree on (dev/harness/classified-rows.ts canonicalValue): timestamps as ISO
UTC with milliseconds, dates as YYYY-MM-DD, bytes as "bytes:" + SHA-256, missing values as null. A client error is
{"error": ..., "status": HTTP status or null} on stdout with exit code 3.
"""
import datetime
import decimal
import hashlib
import json
import math
import sys

import delta_sharing
import pandas as pd
from requests.exceptions import HTTPError


def plain(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "bytes:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, pd.Timestamp):
        ts = value.tz_convert("UTC") if value.tzinfo is not None else value
        return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"
    if isinstance(value, datetime.datetime):
        return plain(pd.Timestamp(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "item"):
        return plain(value.item())
    return value


def main(argv):
    command, profile = argv[1], argv[2]
    try:
        if command == "tables":
            client = delta_sharing.SharingClient(profile)
            tables = [{"share": t.share, "schema": t.schema, "name": t.name} for t in client.list_all_tables()]
            print(json.dumps({"tables": tables}))
        elif command == "load":
            hints = argv[4] if len(argv) > 4 else None
            frame = delta_sharing.load_as_pandas(f"{profile}#{argv[3]}", jsonPredicateHints=hints)
            rows = [{column: plain(value) for column, value in record.items()} for record in frame.to_dict("records")]
            print(json.dumps({
                "columns": list(frame.columns),
                "dtypes": {column: str(dtype) for column, dtype in frame.dtypes.items()},
                "rows": rows,
            }))
        else:
            raise SystemExit(f"unknown command {command}")
    except HTTPError as error:
        status = error.response.status_code if error.response is not None else None
        print(json.dumps({"error": str(error), "status": status}))
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
