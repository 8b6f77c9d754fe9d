"""Writes or reads SINETStream messages as S3 objects with the real Python library (1.10,
sinetstream-s3), for the TypeScript S3 interop tests (test/interop/s3). One request per run:
one JSON object on stdin, one JSON reply on stdout. Run it with cwd = the directory holding the
shared `.sinetstream_config.yml`.

  {"op": "write", "service": S, "topic": T, "messages": [{"value": V, "timestamp_us": N or null}]}
      -> {"ok": true, "before_us": N, "after_us": N}
  {"op": "read", "service": S, "topic": T}
      -> {"ok": true, "messages": [{"value": V, "timestamp_us": N, "topic": T}]}
         every object under the topic, in the order upstream's reader yields them (it lists
         the bucket once and stops)

Values are encoded as in broker_driver.py; a failure is {"ok": false, "error": "..."}.
"""

import json
import sys

from broker_driver import from_json, now_us, to_json
from sinetstream import MessageReader, MessageWriter


def write(request):
    before = now_us()
    with MessageWriter(request["service"], request["topic"]) as writer:
        for message in request["messages"]:
            us = message.get("timestamp_us")
            writer.publish(from_json(message["value"]), timestamp=None if us is None else us / 1e6)
    return {"before_us": before, "after_us": now_us()}


def read(request):
    with MessageReader(request["service"], request["topic"]) as reader:
        return {
            "messages": [
                {"value": to_json(m.value), "timestamp_us": m.timestamp_us, "topic": m.topic}
                for m in reader
            ]
        }


def main():
    try:
        request = json.load(sys.stdin)
        reply = {"ok": True, **{"write": write, "read": read}[request["op"]](request)}
    except Exception as error:
        reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
