using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Grpc.Tests.Interop;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>The test service: every call shape, driven by fields of the request (see interop.proto).</summary>
internal sealed class InteropService(CallObserver observer) : Interop.Interop.InteropBase
{
    /// <summary>Request header asking the handler to compress its responses ("gzip"), through grpc-internal-encoding-request.</summary>
    public const string CompressResponseHeader = "x-compress-response";

    public override async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        await PrepareAsync(request, context);
        var reply = new EchoReply { Payload = request.Payload, Text = request.Text };
        EndWithRequestedStatus(request, context);
        return reply;
    }

    public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        await PrepareAsync(request, context);
        var payload = request.ResponseSize > 0 ? ByteString.CopyFrom(Pattern(request.ResponseSize)) : request.Payload;
        for (var i = 0; i < request.ResponseCount; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Payload = payload, Text = request.Text, Index = i });
        }

        EndWithRequestedStatus(request, context);
    }

    public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var count = 0;
        long bytes = 0;
        EchoRequest? last = null;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            count++;
            bytes += request.Payload.Length;
            last = request;
        }

        if (last is not null)
        {
            await PrepareAsync(last, context);
            EndWithRequestedStatus(last, context);
        }

        return new EchoReply { Index = count, ReceivedBytes = bytes, Text = last?.Text ?? string.Empty };
    }

    public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            if (index == 0)
            {
                await PrepareAsync(request, context);
            }

            await responseStream.WriteAsync(new EchoReply { Payload = request.Payload, Text = request.Text, Index = index++ });
            EndWithRequestedStatus(request, context);
        }
    }

    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return bytes;
    }

    private async Task PrepareAsync(EchoRequest request, ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var key in request.EchoMetadata)
        {
            foreach (var entry in context.RequestHeaders.GetAll(key))
            {
                headers.Add(entry);
                context.ResponseTrailers.Add(entry);
            }
        }

        if (context.RequestHeaders.GetValue(CompressResponseHeader) is { } encoding)
        {
            headers.Add("grpc-internal-encoding-request", encoding);
        }

        if (headers.Count > 0)
        {
            await context.WriteResponseHeadersAsync(headers);
        }

        if (request.BarrierGroup.Length > 0)
        {
            await observer.ArriveAsync(request.BarrierGroup, request.BarrierSize, context.CancellationToken);
        }

        if (request.WaitForCancellation)
        {
            await WaitForCancellationAsync(request.CallId, context);
        }

        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }
    }

    private async Task WaitForCancellationAsync(string callId, ServerCallContext context)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (context.CancellationToken.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task;
        }

        observer.Ended(callId, DateTime.UtcNow >= context.Deadline ? CallEnd.DeadlineExceeded : CallEnd.Cancelled);
        context.CancellationToken.ThrowIfCancellationRequested();
    }

    private static void EndWithRequestedStatus(EchoRequest request, ServerCallContext context)
    {
        if (request.StatusCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.StatusCode, request.StatusMessage));
        }
    }
}
