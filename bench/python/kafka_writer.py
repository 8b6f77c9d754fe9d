"""Publishes through the real Python SINETStream (1.10) MessageWriter to Kafka, for
bench/kafka.ts, in time-bounded slices so the TypeScript side can interleave them with its own.

Usage: kafka_writer.py BROKERS TOPIC SIZE WARMUP
  Opens a writer on a throwaway service (type kafka, consistency AT_LEAST_ONCE, byte_array),
  publishes WARMUP messages, then prints {"ready": true}. Connection set-up and warm-up are
  never timed. Then, for every stdin line {"ms": N, "max": M}, it publishes SIZE-byte
  messages one after another for about N ms (at most M) and prints
  {"messages": n, "seconds": s}. EOF closes the writer.

sinetstream-kafka 1.10's KafkaWriter.publish calls .get() on kafka-python's send future, so
every publish already waits for the leader's ack: no flush is needed at the end of a slice,
and the matching TypeScript pattern is "sequential".
"""

import json
import os
import sys
import tempfile
import time

from sinetstream import AT_LEAST_ONCE, MessageWriter

SERVICE = "bench-python"


def write_config(directory, brokers):
    # A config file, not constructor kwargs, so the writer is set up as users set theirs up.
    path = os.path.join(directory, ".sinetstream_config.yml")
    with open(path, "w") as f:
        json.dump(  # JSON is YAML
            {
                "header": {"version": 3},
                "config": {
                    SERVICE: {
                        "type": "kafka",
                        "brokers": brokers,
                        "consistency": "AT_LEAST_ONCE",
                        "value_type": "byte_array",
                    }
                },
            },
            f,
        )
    return path


def publish_for(writer, payload, ms, limit):
    start = time.perf_counter()
    deadline = start + ms / 1000
    sent = 0
    while sent < limit and time.perf_counter() < deadline:
        writer.publish(payload)
        sent += 1
    return {"messages": sent, "seconds": time.perf_counter() - start}


def reply(obj):
    print(json.dumps(obj), flush=True)


def main():
    brokers, topic, size, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    payload = b"a" * size
    with tempfile.TemporaryDirectory() as directory:
        config_file = write_config(directory, brokers)
        with MessageWriter(SERVICE, topic, config_file=config_file) as writer:
            if writer.consistency != AT_LEAST_ONCE:
                sys.exit(f"writer consistency is {writer.consistency}, not AT_LEAST_ONCE")
            for _ in range(warmup):
                writer.publish(payload)
            reply({"ready": True})
            for line in sys.stdin:
                request = json.loads(line)
                reply(publish_for(writer, payload, request["ms"], request["max"]))


if __name__ == "__main__":
    main()
