"""End to end through the real Python SINETStream (1.10), for bench/e2e: a MessageWriter
(or AsyncMessageWriter) and a MessageReader (in a thread) on one topic, in slices driven
by the TypeScript side so that they interleave with its own.

Usage: e2e_driver.py TYPE BROKERS TOPIC CONSISTENCY
  Opens reader and writers on a throwaway service (value_type byte_array), publishes probe
  messages until the reader gets one (it is subscribed), then prints {"ready": true}. Then,
  for every stdin line {"mode": "sequential"|"windowed", "size": N, "ms": M, "max": K,
  "window": W}, it publishes N-byte messages for about M ms (at most K), waits until the
  reader has them all (or 0.5 s passes without one), and prints {"messages": got, "seconds": s,
  "lost": n}: s runs from the first publish to the last message received. Windowed
  publishes W at a time through AsyncMessageWriter and waits for their promises. EOF closes.
"""

import json
import os
import sys
import tempfile
import threading
import time

from sinetstream import AsyncMessageWriter, MessageReader, MessageWriter

SERVICE = "bench-python"
IDLE_S = 0.5


class Inbox:
    def __init__(self):
        self.received = 0
        self.last = 0.0
        self.changed = threading.Condition()

    def take(self):
        with self.changed:
            self.received += 1
            self.last = time.perf_counter()
            self.changed.notify_all()

    def until(self, target):
        with self.changed:
            while self.received < target:
                seen = self.received
                self.changed.wait(IDLE_S)
                if self.received == seen:
                    return None
            return self.last


def write_config(directory, kind, brokers, consistency):
    path = os.path.join(directory, ".sinetstream_config.yml")
    service = {
        "type": kind,
        "brokers": brokers,
        "consistency": consistency,
        "value_type": "byte_array",
        "receive_timeout_ms": 500,
    }
    with open(path, "w") as f:
        json.dump({"header": {"version": 3}, "config": {SERVICE: service}}, f)  # JSON is YAML
    return path


def read_all(reader, inbox, stop):
    while not stop.is_set():
        for _ in reader:
            inbox.take()
            if stop.is_set():
                return


def run_slice(writer, async_writer, inbox, request):
    payload = b"a" * request["size"]
    deadline = time.perf_counter() + request["ms"] / 1000
    limit, window = request["max"], request["window"]
    before = inbox.received
    start = time.perf_counter()
    sent = 0
    if request["mode"] == "sequential":
        while sent < limit and time.perf_counter() < deadline:
            writer.publish(payload)
            sent += 1
    else:
        while sent < limit and time.perf_counter() < deadline:
            batch = [async_writer.publish(payload) for _ in range(min(window, limit - sent))]
            for promise in batch:
                promise.get()
            sent += len(batch)
    last = inbox.until(before + sent)
    got = inbox.received - before
    end = last if last is not None else time.perf_counter()
    return {"messages": got, "seconds": end - start, "lost": max(0, sent - got)}


def reply(obj):
    print(json.dumps(obj), flush=True)


def main():
    kind, brokers, topic, consistency = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as directory:
        config = write_config(directory, kind, brokers, consistency)
        inbox = Inbox()
        stop = threading.Event()
        with MessageReader(SERVICE, topic, config_file=config) as reader:
            thread = threading.Thread(target=read_all, args=(reader, inbox, stop), daemon=True)
            thread.start()
            with MessageWriter(SERVICE, topic, config_file=config) as writer, AsyncMessageWriter(
                SERVICE, topic, config_file=config
            ) as async_writer:
                while inbox.received == 0:
                    writer.publish(b"probe")
                    time.sleep(0.2)
                time.sleep(0.5)  # the probes still on their way
                reply({"ready": True})
                for line in sys.stdin:
                    reply(run_slice(writer, async_writer, inbox, json.loads(line)))
            stop.set()
            thread.join(2)


if __name__ == "__main__":
    main()
