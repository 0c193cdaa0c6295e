"""A real gRPC peer (Debian's python3-grpcio) driven by JSON lines on stdin.

argv: <work dir> <interop proto dir> <server protos dir> <target host:port>
Each input line is {"id", "op", ...}; the peer answers {"id", "event"} lines (watch updates) and one {"id", "result"}
or {"id", "error"} line.
"""
import base64
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import threading

work, interop_dir, server_protos, target = sys.argv[1:5]

# grpc/... proto paths would shadow the grpc package: compile renamed copies.
for name, src in [("interop.proto", os.path.join(interop_dir, "interop.proto")),
                  ("refl_v1.proto", os.path.join(server_protos, "grpc/reflection/v1/reflection.proto")),
                  ("refl_v1alpha.proto", os.path.join(server_protos, "grpc/reflection/v1alpha/reflection.proto")),
                  ("health_v1.proto", os.path.join(server_protos, "grpc/health/v1/health.proto"))]:
    shutil.copy(src, os.path.join(work, name))
subprocess.check_call([sys.executable, "-m", "grpc_tools.protoc", "-I" + work, "--python_out=" + work,
                       "--grpc_python_out=" + work, "interop.proto", "refl_v1.proto", "refl_v1alpha.proto",
                       "health_v1.proto"])
sys.path.insert(0, work)

import grpc  # noqa: E402
from google.protobuf import descriptor_pb2  # noqa: E402

interop_pb2 = importlib.import_module("interop_pb2")
interop_grpc = importlib.import_module("interop_pb2_grpc")
health_pb2 = importlib.import_module("health_v1_pb2")
health_grpc = importlib.import_module("health_v1_pb2_grpc")
reflection = {v: (importlib.import_module(f"refl_{v}_pb2"), importlib.import_module(f"refl_{v}_pb2_grpc"))
              for v in ("v1", "v1alpha")}

options = [("grpc.max_receive_message_length", 64 * 1024 * 1024), ("grpc.max_send_message_length", 64 * 1024 * 1024)]
channel = grpc.insecure_channel(target, options=options)
stub = interop_grpc.InteropStub(channel)
out_lock = threading.Lock()


def emit(obj):
    with out_lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


def pattern(size):
    return bytes(i % 251 for i in range(size))


def make_request(d):
    d = dict(d)
    size = d.pop("payload_size", None)
    req = interop_pb2.EchoRequest(**d)
    if size is not None:
        req.payload = pattern(size)
    return req


def md_in(items):
    return [(k, base64.b64decode(v) if k.endswith("-bin") else v) for k, v in (items or [])]


def md_out(md):
    return [[k, base64.b64encode(v).decode() if isinstance(v, bytes) else v] for k, v in (md or [])]


def reply_dict(r):
    return {"payload_len": len(r.payload), "payload_sha": hashlib.sha256(r.payload).hexdigest(), "text": r.text,
            "index": r.index, "received_bytes": r.received_bytes}


def call_result(call, replies):
    return {"code": call.code().name, "details": call.details() or "", "replies": [reply_dict(r) for r in replies],
            "initial_metadata": md_out(call.initial_metadata()), "trailing_metadata": md_out(call.trailing_metadata())}


def op_call(cmd):
    method = cmd["method"]
    requests = [make_request(r) for r in cmd["requests"]]
    kw = {"metadata": md_in(cmd.get("metadata")), "timeout": cmd.get("timeout")}
    if cmd.get("compression") == "gzip":
        kw["compression"] = grpc.Compression.Gzip
    if cmd.get("cancel_after_headers"):
        call = {"Unary": lambda: stub.Unary.future(requests[0], **kw),
                "ServerStream": lambda: stub.ServerStream(requests[0], **kw),
                "ClientStream": lambda: stub.ClientStream.future(iter(requests), **kw),
                "Duplex": lambda: stub.Duplex(iter(requests), **kw)}[method]()
        call.initial_metadata()
        call.cancel()
        return {"code": call.code().name, "details": call.details() or ""}
    replies = []
    try:
        if method == "Unary":
            resp, call = stub.Unary.with_call(requests[0], **kw)
            replies.append(resp)
        elif method == "ClientStream":
            resp, call = stub.ClientStream.with_call(iter(requests), **kw)
            replies.append(resp)
        else:
            call = stub.ServerStream(requests[0], **kw) if method == "ServerStream" else stub.Duplex(iter(requests), **kw)
            for r in call:
                replies.append(r)
        return call_result(call, replies)
    except grpc.RpcError as e:
        return call_result(e, replies)


def op_concurrent(cmd):
    req = make_request(cmd["request"])
    futures = [stub.Unary.future(req, timeout=cmd["timeout"]) for _ in range(cmd["count"])]
    codes = {}
    for f in futures:
        try:
            f.result()
            name = "OK"
        except grpc.RpcError as e:
            name = e.code().name
        codes[name] = codes.get(name, 0) + 1
    return {"codes": codes}


def op_health_check(cmd):
    h = health_grpc.HealthStub(channel)
    try:
        r = h.Check(health_pb2.HealthCheckRequest(service=cmd["service"]), timeout=30)
        return {"code": "OK", "details": "", "status": health_pb2.HealthCheckResponse.ServingStatus.Name(r.status)}
    except grpc.RpcError as e:
        return {"code": e.code().name, "details": e.details() or "", "status": None}


def op_health_watch(cmd):
    h = health_grpc.HealthStub(channel)
    call = h.Watch(health_pb2.HealthCheckRequest(service=cmd["service"]), timeout=60)
    statuses = []
    for r in call:
        name = health_pb2.HealthCheckResponse.ServingStatus.Name(r.status)
        statuses.append(name)
        emit({"id": cmd["id"], "event": {"status": name}})
        if len(statuses) == cmd["updates"]:
            call.cancel()
            break
    return {"statuses": statuses}


def op_reflection(cmd):
    pb2, pb2_grpc = reflection[cmd["version"]]
    rstub = pb2_grpc.ServerReflectionStub(channel)
    queries = [pb2.ServerReflectionRequest(list_services="")]
    responses = list(rstub.ServerReflectionInfo(iter(queries), timeout=30))
    services = [s.name for s in responses[0].list_services_response.service]
    queries = [pb2.ServerReflectionRequest(file_containing_symbol=s) for s in services]
    queries.append(pb2.ServerReflectionRequest(file_by_filename=cmd["file"]))
    queries.append(pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"))
    answers = list(rstub.ServerReflectionInfo(iter(queries), timeout=30))
    files, methods = {}, {}
    for service, answer in zip(services, answers):
        protos = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in answer.file_descriptor_response.file_descriptor_proto]
        files[service] = [p.name for p in protos]
        short = service.rsplit(".", 1)[-1]
        methods[service] = [m.name for p in protos[:1] for s in p.service if s.name == short for m in s.method]
    by_name = [descriptor_pb2.FileDescriptorProto.FromString(b).name
               for b in answers[-2].file_descriptor_response.file_descriptor_proto]
    return {"services": services, "files": files, "methods": methods, "file_by_name": by_name,
            "unknown_symbol_error": answers[-1].error_response.error_code}


ops = {"call": op_call, "concurrent": op_concurrent, "health_check": op_health_check,
       "health_watch": op_health_watch, "reflection": op_reflection}

emit({"ready": True})
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        emit({"id": cmd["id"], "result": ops[cmd["op"]](cmd)})
    except Exception as e:  # reported to the test, which fails with the message
        emit({"id": cmd["id"], "error": f"{type(e).__name__}: {e}"})
