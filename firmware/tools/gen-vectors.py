#!/usr/bin/env python3
"""Turns shared/fixtures/device-frames.json into firmware/test/generated/device_frames.h.

The header is committed; `gen-vectors.py --check` (run by ctest) fails when regenerating it
would change anything, so the C tests always run the vectors the TS tests run.

    python3 firmware/tools/gen-vectors.py           # rewrite the header
    python3 firmware/tools/gen-vectors.py --check   # exit 1 if it is stale
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "shared" / "fixtures" / "device-frames.json"
HEADER = ROOT / "firmware" / "test" / "generated" / "device_frames.h"

# The wire numbers, repeated from shared/src/protocol/codes.ts. A mismatch cannot hide: the C
# test encodes each expected struct and compares it with the vector's bytes.
MESSAGE_TYPES = {"hello": "TK_MSG_HELLO", "heartbeat": "TK_MSG_HEARTBEAT", "readings": "TK_MSG_READINGS",
                 "ack": "TK_MSG_ACK", "nack": "TK_MSG_NACK", "state": "TK_MSG_STATE", "fault": "TK_MSG_FAULT",
                 "config": "TK_MSG_CONFIG", "setOutput": "TK_MSG_SET_OUTPUT", "ping": "TK_MSG_PING",
                 "helloRequest": "TK_MSG_HELLO_REQUEST", "updateStatus": "TK_MSG_UPDATE_STATUS",
                 "updateBegin": "TK_MSG_UPDATE_BEGIN", "updateChunk": "TK_MSG_UPDATE_CHUNK", "updateCommit": "TK_MSG_UPDATE_COMMIT",
                 "updateConfirm": "TK_MSG_UPDATE_CONFIRM", "updateFetch": "TK_MSG_UPDATE_FETCH"}
OUTPUT_KINDS = {"fan": 1, "heater": 2, "feeder": 3, "conveyor": 4, "light": 5, "water_pump": 6, "siren": 7, "relay": 8}
SENSOR_KINDS = {"temperature": 1, "humidity": 2, "water_level": 3, "ammonia": 4, "power": 5}
SENSOR_FAILURES = {"no_response": 1, "checksum": 2, "out_of_range": 3, "stuck": 4, "disconnected": 5}
REASONS = {"boot": 0, "commanded": 1, "duration_elapsed": 2, "fail_safe": 3, "max_on_cut": 4, "local": 5}
RESETS = {"unknown": 0, "power_on": 1, "software": 2, "watchdog": 3, "brownout": 4, "panic": 5, "external": 6}
NACKS = {"unknown_output": 1, "invalid_level": 2, "exceeds_max_on": 3, "stale_session": 4, "invalid_config": 5,
         "unsupported": 6, "not_configured": 7, "updating": 8}
SLOTS = {"a": 0, "b": 1}
UPDATE_STATES = {"idle": 0, "receiving": 1, "verifying": 2, "ready": 3, "failed": 4, "rebooting": 5}
UPDATE_ERRORS = {"too_large": 1, "hash_mismatch": 2, "flash_error": 3, "no_transfer": 4, "bad_chunk": 5, "not_ready": 6,
                 "invalid_image": 7, "image_unconfirmed": 8, "fetch_unsupported": 9, "fetch_failed": 10}
FAULTS = {"sensor_failure": 1, "sensor_recovered": 2, "watchdog_reset": 3, "brownout_reset": 4, "panic_reset": 5,
          "link_lost": 6, "link_restored": 7, "max_on_cut": 8}


def b(value):
    return "true" if value else "false"


def c_string(text):
    return json.dumps(text)  # printable ASCII only (the schemas guarantee it): valid C too


def arr(items, empty):
    """A brace-enclosed array initializer; C99 forbids empty braces, so an empty one is one zero element."""
    return "{" + (", ".join(items) if items else empty) + "}"


def centi(value):
    return str(round(value * 100))


def body(m):
    t = m["type"]
    if t == "hello":
        outs = arr([f"{{{o['channel']}, {OUTPUT_KINDS[o['kind']]}, {b(o['dimmable'])}, {b(o['activeLow'])}}}" for o in m["outputs"]], "{0, 0, false, false}")
        sens = arr([f"{{{s['channel']}, {SENSOR_KINDS[s['kind']]}}}" for s in m["sensors"]], "{0, 0}")
        return (f".hello = {{{c_string(m['nodeId'])}, {c_string(m['firmwareVersion'])}, {m['hardwareRevision']}, "
                f"{m['bootId']}u, {RESETS[m['resetReason']]}, {SLOTS[m['slot']]}, {b(m['imageConfirmed'])}, "
                f"{len(m['outputs'])}, {outs}, {len(m['sensors'])}, {sens}}}")
    if t == "heartbeat":
        c = m["counters"]
        rssi = -128 if m["rssi"] is None else m["rssi"]
        counters = ", ".join(f"{c[k]}u" for k in ["rxFrames", "txFrames", "rxCrcErrors", "rxMalformed", "rxDuplicates", "linkLosses"])
        return (f".heartbeat = {{{m['bootId']}u, {m['uptimeS']}u, {m['freeHeap']}u, {rssi}, {b(m['linkUp'])}, {b(m['updating'])}, "
                f"{{{counters}}}, {c_string(m['firmwareVersion'])}, {SLOTS[m['slot']]}, {b(m['imageConfirmed'])}}}")
    if t == "readings":
        items = arr([
            f"{{{r['channel']}, 0, {centi(r['value'])}}}" if r["status"] == "ok" else f"{{{r['channel']}, {SENSOR_FAILURES[r['failure']]}, 0}}"
            for r in m["readings"]], "{0, 0, 0}")
        return f".readings = {{{len(m['readings'])}, {items}}}"
    if t in ("ack", "nack"):
        return f".ack = {{{m['ackSeq']}, {m['id']}u, {NACKS[m['error']] if t == 'nack' else 0}}}"
    if t == "state":
        outs = arr([f"{{{o['channel']}, {b(o['state'] == 'on')}, {o['level']}, {REASONS[o['reason']]}, {o['remainingS']}u}}" for o in m["outputs"]], "{0, false, 0, 0, 0u}")
        return f".state = {{{m['bootId']}u, {b(m['configured'])}, {b(m['failSafeActive'])}, {b(m['updating'])}, {len(m['outputs'])}, {outs}}}"
    if t == "fault":
        channel = 255 if m["channel"] is None else m["channel"]
        return f".fault = {{{FAULTS[m['fault']]}, {channel}, {m['detail']}}}"
    if t == "config":
        outs = arr([f"{{{o['channel']}, {b(o['failSafe'] == 'on')}, {o['maxOnS']}u}}" for o in m["outputs"]], "{0, false, 0u}")
        sens = arr([f"{{{s['channel']}, {s['samplePeriodMs']}u, {centi(s['offset'])}, {round(s['scale'] * 1000)}u}}" for s in m["sensors"]], "{0, 0u, 0, 0u}")
        return (f".config = {{{m['id']}u, {m['linkTimeoutMs']}u, {m['heartbeatPeriodMs']}u, {len(m['outputs'])}, {outs}, "
                f"{len(m['sensors'])}, {sens}}}")
    if t == "setOutput":
        return f".set_output = {{{m['id']}u, {m['bootId']}u, {m['channel']}, {b(m['state'] == 'on')}, {m['level']}, {m['durationS']}u}}"
    if t == "updateStatus":
        error = 0 if m["error"] is None else UPDATE_ERRORS[m["error"]]
        return f".update_status = {{{UPDATE_STATES[m['state']]}, {error}, {m['nextOffset']}u}}"
    if t == "updateBegin":
        digest = ", ".join(f"0x{x:02x}" for x in bytes.fromhex(m["sha256"]))
        return f".update_begin = {{{c_string(m['version'])}, {m['size']}u, {{{digest}}}, {m['chunkSize']}}}"
    if t == "updateChunk":
        data = bytes.fromhex(m["data"])
        return f".update_chunk = {{{m['offset']}u, {len(data)}, {{{', '.join(f'0x{x:02x}' for x in data)}}}}}"
    if t == "updateCommit":
        return f".update_commit = {{{m['healthTimeoutS']}}}"
    if t == "updateFetch":
        digest = ", ".join(f"0x{x:02x}" for x in bytes.fromhex(m["sha256"]))
        return f".update_fetch = {{{c_string(m['version'])}, {m['size']}u, {{{digest}}}, {c_string(m['url'])}}}"
    return None  # ping, helloRequest, updateConfirm: no payload


def byte_array(name, hex_text):
    data = bytes.fromhex(hex_text)
    rows = [", ".join(f"0x{x:02x}" for x in data[i:i + 16]) for i in range(0, len(data), 16)]
    return f"static const uint8_t {name}[{len(data)}] = {{\n  " + ",\n  ".join(rows) + "\n};\n"


def generate():
    fx = json.loads(FIXTURE.read_text())
    out = ["/* Generated by firmware/tools/gen-vectors.py from shared/fixtures/device-frames.json. Do not edit. */",
           "#ifndef TOKKATOT_TEST_DEVICE_FRAMES_H", "#define TOKKATOT_TEST_DEVICE_FRAMES_H", "",
           "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>", "", '#include "tokkatot/protocol.h"', "",
           "typedef struct { const char *name; tk_msg_t expected; const uint8_t *frame; size_t frame_len; const uint8_t *wire; size_t wire_len; } tk_valid_vector_t;",
           "typedef struct { const char *name; const uint8_t *wire; size_t wire_len; const char *error; } tk_malformed_vector_t;",
           "typedef struct { const char *name; const uint8_t *wire; size_t wire_len; const char *const *expect; size_t expect_count; } tk_stream_vector_t;",
           ""]
    entries = []
    for i, v in enumerate(fx["valid"]):
        out.append(byte_array(f"tk_valid_{i}_frame", v["frame"]))
        out.append(byte_array(f"tk_valid_{i}_wire", v["wire"]))
        payload = body(v["message"])
        union = f", .u = {{{payload}}}" if payload else ""
        entries.append(f"  {{{c_string(v['name'])}, {{.type = {MESSAGE_TYPES[v['message']['type']]}, .seq = {v['seq']}{union}}}, "
                       f"tk_valid_{i}_frame, sizeof tk_valid_{i}_frame, tk_valid_{i}_wire, sizeof tk_valid_{i}_wire}}")
    out.append("static const tk_valid_vector_t tk_valid_vectors[] = {\n" + ",\n".join(entries) + "\n};\n")
    entries = []
    for i, v in enumerate(fx["malformed"]):
        out.append(byte_array(f"tk_malformed_{i}_wire", v["wire"]))
        entries.append(f"  {{{c_string(v['name'])}, tk_malformed_{i}_wire, sizeof tk_malformed_{i}_wire, {c_string(v['error'])}}}")
    out.append("static const tk_malformed_vector_t tk_malformed_vectors[] = {\n" + ",\n".join(entries) + "\n};\n")
    entries = []
    for i, v in enumerate(fx["streams"]):
        out.append(byte_array(f"tk_stream_{i}_wire", v["wire"]))
        out.append(f"static const char *const tk_stream_{i}_expect[] = {{{', '.join(c_string(e) for e in v['expect'])}}};\n")
        entries.append(f"  {{{c_string(v['name'])}, tk_stream_{i}_wire, sizeof tk_stream_{i}_wire, tk_stream_{i}_expect, {len(v['expect'])}}}")
    out.append("static const tk_stream_vector_t tk_stream_vectors[] = {\n" + ",\n".join(entries) + "\n};\n")
    out.append("#define TK_VALID_VECTOR_COUNT (sizeof tk_valid_vectors / sizeof tk_valid_vectors[0])")
    out.append("#define TK_MALFORMED_VECTOR_COUNT (sizeof tk_malformed_vectors / sizeof tk_malformed_vectors[0])")
    out.append("#define TK_STREAM_VECTOR_COUNT (sizeof tk_stream_vectors / sizeof tk_stream_vectors[0])")
    out.append("\n#endif")
    return "\n".join(out) + "\n"


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        if not HEADER.exists() or HEADER.read_text() != text:
            print(f"{HEADER.relative_to(ROOT)} is stale: run python3 firmware/tools/gen-vectors.py", file=sys.stderr)
            return 1
        print(f"{HEADER.relative_to(ROOT)} is up to date")
        return 0
    HEADER.parent.mkdir(parents=True, exist_ok=True)
    HEADER.write_text(text)
    print(f"wrote {HEADER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
