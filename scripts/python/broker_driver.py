"""Writes or reads SINETStream messages through a real broker with the real Python library
(1.10), for the TypeScript broker interop tests (test/interop/brokers). One process serves a
whole direction: it reads one JSON request per line on stdin and answers each with one JSON
line on stdout before reading the next. Run it with cwd = the directory holding the shared
`.sinetstream_config.yml`: services are looked up there, as any SINETStream program would.

Requests and replies (every reply also has "ok"; on failure {"ok": false, "error": "..."}):
  {"op": "write", "service": S, "topic": T, "text": bool,
   "messages": [{"value": V, "timestamp_us": N or null}]}
      -> {"before_us": N, "after_us": N}  (wall clock around the publishes, for "now" stamps)
  {"op": "open_reader", "service": S, "topic": T, "text": bool, "timeout_ms": N}
      -> {"probes": N}  once the reader has received a probe message: it is subscribed
  {"op": "collect", "count": N, "timeout_ms": N}
      -> {"messages": [{"value": V, "timestamp_us": N, "topic": T}]}  (probes left out;
         fewer than N if the time ran out); closes the reader
  {"op": "close_reader"} -> {}
  {"op": "seek_read", "service": S, "topic": T, "text": bool, "seek": "beginning" or "end",
   "count": N, "timeout_ms": N}
      -> {"messages": [...]}  a fresh MessageReader seeks (once assigned), then reads up to N

A value V is a string for value_type text, else {"$binary": B64}. Both the readiness probe and
the payloads go through the service exactly as configured (encrypted, compressed, ...).
"""

import base64
import json
import sys
import time

from sinetstream import MessageReader, MessageWriter

PROBE = "\x00sinetstream-interop-probe"
# Short receive timeouts let the reader be polled against an overall deadline.
POLL_MS = 200


def from_json(value):
    return value if isinstance(value, str) else base64.b64decode(value["$binary"])


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$binary": base64.b64encode(value).decode()}
    return value


def now_us():
    return time.time_ns() // 1000


def probe_value(text):
    return PROBE if text else PROBE.encode()


def next_message(reader):
    """The next message, or None after POLL_MS without one."""
    try:
        return next(iter(reader))
    except StopIteration:
        return None


class Driver:
    def __init__(self):
        self.reader = None
        self.text = False

    def write(self, request):
        before = now_us()
        with MessageWriter(request["service"], request["topic"]) as writer:
            for message in request["messages"]:
                us = message.get("timestamp_us")
                seconds = None
                if us is not None:
                    seconds = us / 1_000_000
                    # publish() takes float seconds; refuse stamps it would not keep exact.
                    if int(seconds * 1_000_000) != us:
                        raise ValueError(f"timestamp_us {us} does not survive float seconds")
                writer.publish(from_json(message["value"]), timestamp=seconds)
        return {"before_us": before, "after_us": now_us()}

    def open_reader(self, request):
        self.close_reader({})
        self.text = request["text"]
        reader = MessageReader(request["service"], request["topic"], receive_timeout_ms=POLL_MS)
        reader.open()
        self.reader = reader
        # Subscriptions complete asynchronously (paho subscribes from on_connect, kafka-python
        # on its first poll): publish probes through the same service until one arrives.
        deadline = time.monotonic() + request["timeout_ms"] / 1000
        probes = 0
        with MessageWriter(request["service"], request["topic"]) as writer:
            while time.monotonic() < deadline:
                writer.publish(probe_value(self.text))
                probes += 1
                message = next_message(reader)
                while message is not None:
                    if message.value == probe_value(self.text):
                        return {"probes": probes}
                    message = next_message(reader)
        raise TimeoutError(f"no probe came back in {request['timeout_ms']} ms ({probes} sent)")

    def collect(self, request):
        if self.reader is None:
            raise RuntimeError("collect without open_reader")
        deadline = time.monotonic() + request["timeout_ms"] / 1000
        messages = []
        try:
            while len(messages) < request["count"] and time.monotonic() < deadline:
                message = next_message(self.reader)
                if message is None or message.value == probe_value(self.text):
                    continue
                messages.append(
                    {
                        "value": to_json(message.value),
                        "timestamp_us": message.timestamp_us,
                        "topic": message.topic,
                    }
                )
        finally:
            self.close_reader({})
        return {"messages": messages}

    def seek_read(self, request):
        self.close_reader({})
        self.text = request["text"]
        self.reader = MessageReader(request["service"], request["topic"], receive_timeout_ms=POLL_MS)
        self.reader.open()
        if request["seek"] == "beginning":
            self.reader.seek_to_beginning()
        else:
            self.reader.seek_to_end()
        return self.collect(request)

    def close_reader(self, _request):
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.close()
        return {}


def main():
    driver = Driver()
    ops = {
        "write": driver.write,
        "open_reader": driver.open_reader,
        "collect": driver.collect,
        "close_reader": driver.close_reader,
        "seek_read": driver.seek_read,
    }
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            reply = {"ok": True, **ops[request["op"]](request)}
        except Exception as error:  # reported per request, so one bad case fails one test
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    driver.close_reader({})


if __name__ == "__main__":
    main()
