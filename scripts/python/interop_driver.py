"""Encodes or decodes SINETStream messages with the real Python library (1.10), for the
TypeScript interop tests. One process serves a whole test matrix: it reads one JSON request
per line on stdin and writes one JSON reply per line on stdout, in the same order.

Request:  {"op": "encode", "params": {...}, "value": V, "timestamp_us": N}
          {"op": "decode", "params": {...}, "bytes": B64}
Reply:    {"ok": true, "bytes": B64}  or  {"ok": true, "value": V, "timestamp_us": N}
          {"ok": false, "error": "ExceptionClass: message"}

`params` are MessageWriter/MessageReader keyword arguments. JSON has no bytes, so
{"$binary": B64} stands for bytes anywhere in them, and `crypto._keys` has string keys
that become ints. A value V is a string for value_type text, a numpy array for ndarray and
image as {"$ndarray": {"descr": "<f8", "shape": [2, 3], "fortran": false, "data": B64}}
(`data` the elements in memory order, in the descr's byte order), else {"$binary": B64}.
"""

import base64
import json
import sys

from sinetstream.codec import SINETStreamMessageDecoder, SINETStreamMessageEncoder


def from_json(x):
    if isinstance(x, dict):
        if set(x) == {"$binary"}:
            return base64.b64decode(x["$binary"])
        if set(x) == {"$ndarray"}:
            return ndarray_from_json(x["$ndarray"])
        return {k: from_json(v) for k, v in x.items()}
    if isinstance(x, list):
        return [from_json(v) for v in x]
    return x


def ndarray_from_json(spec):
    import numpy as np  # only the ndarray and image cases need numpy

    order = "F" if spec["fortran"] else "C"
    flat = np.frombuffer(base64.b64decode(spec["data"]), dtype=np.dtype(spec["descr"]))
    return flat.reshape(spec["shape"], order=order)


def to_json(value):
    if isinstance(value, (bytes, bytearray)):
        return {"$binary": base64.b64encode(value).decode()}
    if type(value).__name__ == "ndarray":
        fortran = bool(value.flags.f_contiguous and not value.flags.c_contiguous)
        data = value.tobytes(order="F" if fortran else "C")
        return {"$ndarray": {"descr": value.dtype.str, "shape": list(value.shape),
                             "fortran": fortran, "data": base64.b64encode(data).decode()}}
    return value


def parse_params(text):
    params = from_json(json.loads(text))
    keys = params.get("crypto", {}).get("_keys")
    if keys is not None:
        params["crypto"]["_keys"] = {int(k): v for k, v in keys.items()}
    return params


# Encoders and decoders are kept per parameter set: like a long-lived writer or reader,
# they derive a key once (the writer's salt is fixed) and reuse it for every message.
codecs = {}


def codec(kind, params_text):
    key = (kind, params_text)
    if key not in codecs:
        params = parse_params(params_text)
        codecs[key] = (SINETStreamMessageEncoder if kind == "encode" else SINETStreamMessageDecoder)(**params)
    return codecs[key]


def handle(request):
    params_text = json.dumps(request["params"], sort_keys=True)
    if request["op"] == "encode":
        us = request["timestamp_us"]
        seconds = us / 1_000_000
        # The Python API takes seconds as a float; refuse timestamps it would not keep exact.
        if int(seconds * 1_000_000) != us:
            raise ValueError(f"timestamp_us {us} does not survive float seconds")
        data = codec("encode", params_text).encode(from_json(request["value"]), timestamp=seconds)
        return {"bytes": base64.b64encode(data).decode()}
    message = codec("decode", params_text).decode(base64.b64decode(request["bytes"]))
    return {"value": to_json(message.value), "timestamp_us": message.timestamp_us}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = {"ok": True, **handle(json.loads(line))}
        except Exception as error:  # reported per request, so one bad case fails one test row
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
