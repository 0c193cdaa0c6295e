"""The interop.proto Interop service on grpcio (asyncio), for our client's interop tests and benchmark.

usage: python_server.py PROTO_PATH STUB_DIR [UNIX_SOCKET_PATH]
Serves a plain server and a gzip-compressing one on 127.0.0.1 (free ports), prints "PORTS <plain> <gzip>", prints
"CANCELLED <call_id>" when a wait_for_cancellation call is cancelled, and runs until stdin closes.
"""
import asyncio
import os
import sys

import grpc
from grpc_tools import protoc

proto_path, stub_dir = sys.argv[1], sys.argv[2]
unix_socket = sys.argv[3] if len(sys.argv) > 3 else None
if protoc.main(["protoc", f"-I{os.path.dirname(proto_path)}", f"--python_out={stub_dir}", f"--grpc_python_out={stub_dir}", proto_path]) != 0:
    sys.exit("protoc failed")
sys.path.insert(0, stub_dir)
import interop_pb2  # noqa: E402
import interop_pb2_grpc  # noqa: E402

CODES = {c.value[0]: c for c in grpc.StatusCode}


def reply_for(request, index):
    payload = b"\x01" * request.response_size if request.response_size > 0 else request.payload
    return interop_pb2.EchoReply(payload=payload, text=request.text, index=index)


async def begin(request, context):
    """Echoes the requested metadata keys as headers and trailers; returns them for an abort."""
    keys = set(request.echo_metadata)
    metadata = [(k, v) for k, v in context.invocation_metadata() if k in keys]
    if metadata:
        await context.send_initial_metadata(metadata)
        context.set_trailing_metadata(metadata)
    if request.wait_for_cancellation:
        if not metadata:
            await context.send_initial_metadata([])
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            print(f"CANCELLED {request.call_id}", flush=True)
            raise
    if request.delay_ms:
        await asyncio.sleep(request.delay_ms / 1000)
    return metadata


async def end_with_status(request, context, metadata):
    if request.status_code:
        await context.abort(CODES[request.status_code], request.status_message, tuple(metadata))


class Interop(interop_pb2_grpc.InteropServicer):
    async def Unary(self, request, context):
        metadata = await begin(request, context)
        await end_with_status(request, context, metadata)
        return reply_for(request, 0)

    async def ServerStream(self, request, context):
        metadata = await begin(request, context)
        for index in range(request.response_count):
            await context.write(reply_for(request, index))
        await end_with_status(request, context, metadata)

    async def ClientStream(self, request_iterator, context):
        count, total, first, metadata = 0, 0, None, []
        async for request in request_iterator:
            if first is None:
                first = request
                metadata = await begin(request, context)
            count += 1
            total += len(request.payload)
        if first is not None:
            await end_with_status(first, context, metadata)
        return interop_pb2.EchoReply(index=count, received_bytes=total)

    async def Duplex(self, request_iterator, context):
        metadata, index = None, 0
        async for request in request_iterator:
            if metadata is None:
                metadata = await begin(request, context)
            await end_with_status(request, context, metadata)
            await context.write(reply_for(request, index))
            index += 1


async def start(compression, unix=None):
    server = grpc.aio.server(compression=compression, options=[("grpc.max_concurrent_streams", 1000)])
    interop_pb2_grpc.add_InteropServicer_to_server(Interop(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    if unix:
        server.add_insecure_port(f"unix:{unix}")
    await server.start()
    return server, port


async def main():
    plain, plain_port = await start(None, unix_socket)
    gzip, gzip_port = await start(grpc.Compression.Gzip)
    print(f"PORTS {plain_port} {gzip_port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await plain.stop(0)
    await gzip.stop(0)


asyncio.run(main())
