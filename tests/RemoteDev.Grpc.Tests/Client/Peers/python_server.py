"""The interop.proto TestService on grpcio (asyncio), for our client's interop tests and benchmark.

usage: python_server.py PROTO_PATH STUB_DIR [UNIX_SOCKET_PATH]
Serves a plain server and a gzip-compressing one on 127.0.0.1 (free ports), prints "PORTS <plain> <gzip>" and runs
until stdin closes.
"""
import asyncio
import os
import sys

import grpc
from grpc_tools import protoc

proto_path, stub_dir = sys.argv[1], sys.argv[2]
unix_socket = sys.argv[3] if len(sys.argv) > 3 else None
proto_dir = os.path.dirname(proto_path)
if protoc.main(["protoc", f"-I{proto_dir}", f"--python_out={stub_dir}", f"--grpc_python_out={stub_dir}", proto_path]) != 0:
    sys.exit("protoc failed")
sys.path.insert(0, stub_dir)
import interop_pb2  # noqa: E402
import interop_pb2_grpc  # noqa: E402

CODES = {c.value[0]: c for c in grpc.StatusCode}
cancelled = {}


def echoed(context, request):
    return [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")] if request.echo_metadata else []


def reply_for(request, context):
    payload = b"\x01" * request.response_size if request.response_size > 0 else request.payload
    return interop_pb2.EchoReply(payload=payload, peer=context.peer())


async def begin(request, context):
    metadata = echoed(context, request)
    if metadata:
        await context.send_initial_metadata(metadata)
        context.set_trailing_metadata(metadata)
    return metadata


async def end_with_status(request, context, metadata):
    if request.status_code:
        await context.abort(CODES[request.status_code], request.status_message, metadata)


class TestService(interop_pb2_grpc.TestServiceServicer):
    async def Unary(self, request, context):
        metadata = await begin(request, context)
        if request.delay_ms:
            await asyncio.sleep(request.delay_ms / 1000)
        await end_with_status(request, context, metadata)
        return reply_for(request, context)

    async def ServerStream(self, request, context):
        metadata = await begin(request, context)
        if request.delay_ms:
            await asyncio.sleep(request.delay_ms / 1000)
        for _ in range(request.response_count):
            await context.write(reply_for(request, context))
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
        return interop_pb2.EchoReply(message_count=count, total_bytes=total, peer=context.peer())

    async def Duplex(self, request_iterator, context):
        metadata = None
        async for request in request_iterator:
            if metadata is None:
                metadata = await begin(request, context)
            await end_with_status(request, context, metadata)
            await context.write(reply_for(request, context))

    async def WaitForCancel(self, request, context):
        event = cancelled.setdefault(request.call_id, asyncio.Event())
        await context.send_initial_metadata([])
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            event.set()
            raise
        return interop_pb2.EchoReply()

    async def CheckCancelled(self, request, context):
        event = cancelled.setdefault(request.call_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), 10)
        except asyncio.TimeoutError:
            pass
        return interop_pb2.EchoReply(cancelled=event.is_set())


async def start(compression, unix=None):
    server = grpc.aio.server(compression=compression, options=[("grpc.max_concurrent_streams", 1000)])
    interop_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
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
