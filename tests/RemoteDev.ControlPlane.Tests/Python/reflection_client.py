"""Drives the control plane with grpcio through server reflection only: no .proto files, no generated code.

usage: reflection_client.py <host:port> <api key>
Prints "python-client-ok <sandbox id>" and exits 0 when create -> READY -> exec worked.
"""
import sys
import time

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.json_format import MessageToDict, ParseDict

TIMEOUT = 60
STRING, BYTES, MESSAGE, INT32 = 9, 12, 11, 5
OPTIONAL, REPEATED = 1, 3


def reflection_messages():
    """The reflection request/response messages, described by hand (Debian ships no grpc_reflection)."""
    f = descriptor_pb2.FileDescriptorProto(name="reflection_client.proto", package="reflclient", syntax="proto3")

    def message(name, *fields):
        m = f.message_type.add(name=name)
        for field_name, number, kind, label, type_name in fields:
            m.field.add(name=field_name, number=number, type=kind, label=label, type_name=type_name)

    message("Request", ("host", 1, STRING, OPTIONAL, None), ("file_by_filename", 3, STRING, OPTIONAL, None),
            ("file_containing_symbol", 4, STRING, OPTIONAL, None), ("list_services", 7, STRING, OPTIONAL, None))
    message("FileDescriptorResponse", ("file_descriptor_proto", 1, BYTES, REPEATED, None))
    message("ServiceResponse", ("name", 1, STRING, OPTIONAL, None))
    message("ListServiceResponse", ("service", 1, MESSAGE, REPEATED, ".reflclient.ServiceResponse"))
    message("ErrorResponse", ("error_code", 1, INT32, OPTIONAL, None), ("error_message", 2, STRING, OPTIONAL, None))
    message("Response", ("valid_host", 1, STRING, OPTIONAL, None),
            ("file_descriptor_response", 4, MESSAGE, OPTIONAL, ".reflclient.FileDescriptorResponse"),
            ("list_services_response", 6, MESSAGE, OPTIONAL, ".reflclient.ListServiceResponse"),
            ("error_response", 7, MESSAGE, OPTIONAL, ".reflclient.ErrorResponse"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return (message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("reflclient.Request")),
            message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName("reflclient.Response")))


class Reflected:
    def __init__(self, channel):
        self.channel = channel
        self.request_type, self.response_type = reflection_messages()
        self.info = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self.response_type.FromString)
        self.pool = descriptor_pool.DescriptorPool()
        self.factory = message_factory.MessageFactory(self.pool)
        self.added = set()

    def ask(self, **request):
        responses = list(self.info(iter([self.request_type(**request)]), timeout=TIMEOUT))
        response = responses[0]
        if response.HasField("error_response"):
            raise RuntimeError(response.error_response.error_message)
        return response

    def services(self):
        return [s.name for s in self.ask(list_services="*").list_services_response.service]

    def load_symbol(self, symbol):
        self.add_files(self.ask(file_containing_symbol=symbol).file_descriptor_response.file_descriptor_proto)

    def add_files(self, blobs):
        pending = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in blobs]
        while pending:
            progressed = False
            for proto in list(pending):
                missing = [d for d in proto.dependency if d not in self.added]
                if not missing:
                    if proto.name not in self.added:
                        self.pool.Add(proto)
                        self.added.add(proto.name)
                    pending.remove(proto)
                    progressed = True
            if not progressed:
                for dependency in {d for p in pending for d in p.dependency if d not in self.added}:
                    self.add_files(self.ask(file_by_filename=dependency).file_descriptor_response.file_descriptor_proto)

    def method(self, service, name):
        descriptor = self.pool.FindServiceByName(service).FindMethodByName(name)
        request = self.factory.GetPrototype(descriptor.input_type)
        response = self.factory.GetPrototype(descriptor.output_type)
        path = f"/{service}/{name}"
        kind = self.channel.unary_stream if descriptor.server_streaming else self.channel.unary_unary
        call = kind(path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=response.FromString)
        return request, call


def main():
    address, token = sys.argv[1], sys.argv[2]
    auth = [("authorization", f"Bearer {token}")]
    reflected = Reflected(grpc.insecure_channel(address))
    services = reflected.services()
    for wanted in ("remotedev.v1.Sandboxes", "remotedev.v1.Processes"):
        assert wanted in services, f"{wanted} not in {services}"
        reflected.load_symbol(wanted)

    create_type, create = reflected.method("remotedev.v1.Sandboxes", "Create")
    request = ParseDict({"name": f"py-{int(time.time() * 1000) % 10**9}", "project": "python", "spec": {"processes": [
        {"name": "py", "command": "/bin/sh", "args": ["-c", "echo from-python; sleep 600"]}]}}, create_type())
    sandbox = create(request, metadata=auth, timeout=TIMEOUT)

    get_type, get = reflected.method("remotedev.v1.Sandboxes", "Get")
    deadline = time.time() + TIMEOUT
    phase = ""
    while time.time() < deadline:
        phase = MessageToDict(get(get_type(id=sandbox.id), metadata=auth, timeout=TIMEOUT)).get("status", {}).get("phase", "")
        if phase == "SANDBOX_PHASE_READY":
            break
        time.sleep(0.2)
    assert phase == "SANDBOX_PHASE_READY", f"sandbox never became ready (last phase {phase})"

    exec_type, execute = reflected.method("remotedev.v1.Processes", "Exec")
    exec_request = ParseDict({"sandboxId": sandbox.id, "command": {"command": ["/bin/echo", "hi-from-exec"]}}, exec_type())
    output, exit_code = b"", None
    for message in execute(exec_request, metadata=auth, timeout=TIMEOUT):
        if message.HasField("output"):
            output += message.output.data
        if message.HasField("exit"):
            exit_code = message.exit.exit_code
    assert output == b"hi-from-exec\n" and exit_code == 0, f"exec gave {output!r} exit {exit_code}"
    print(f"python-client-ok {sandbox.id}")


if __name__ == "__main__":
    main()
