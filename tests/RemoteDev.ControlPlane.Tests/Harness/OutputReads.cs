using System.Text;
using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Reading a process's output through the operator API.</summary>
internal static class OutputReads
{
    /// <summary>Every stored byte (Logs without follow), from offset 0.</summary>
    public static async Task<byte[]> StoredAsync(OperatorClient client, string sandboxId, string process)
    {
        using var logs = client.Processes.Logs(new LogsRequest { SandboxId = sandboxId, Process = process, Offset = 0 });
        return await CollectAsync(logs.ResponseStream);
    }

    public static async Task<byte[]> CollectAsync(IAsyncStreamReader<LogsResponse> stream)
    {
        var bytes = new MemoryStream();
        await foreach (var message in stream.ReadAllAsync())
        {
            Assert.Null(message.Gap);
            Assert.Equal((ulong)bytes.Length, message.Output.Offset);
            message.Output.Data.WriteTo(bytes);
        }

        return bytes.ToArray();
    }

    public static async Task<string> StoredTextAsync(OperatorClient client, string sandboxId, string process)
        => Encoding.UTF8.GetString(await StoredAsync(client, sandboxId, process));

    /// <summary>Waits until the stored output contains <paramref name="text"/>.</summary>
    public static Task<string> UntilStoredContainsAsync(OperatorClient client, string sandboxId, string process, string text)
        => Waits.UntilAsync(() => StoredTextAsync(client, sandboxId, process), t => t.Contains(text, StringComparison.Ordinal), $"'{text}' stored for {process}");

    /// <summary>Reads attach output until the accumulated text contains <paramref name="text"/>.</summary>
    public static async Task<string> AttachUntilAsync(IAsyncStreamReader<AttachResponse> stream, StringBuilder seen, string text, CancellationToken cancellationToken)
    {
        while (!seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            Assert.True(await stream.MoveNext(cancellationToken), $"attach ended before '{text}'; saw: {seen}");
            if (stream.Current.Output is { } chunk)
            {
                seen.Append(chunk.Data.ToStringUtf8());
            }
        }

        return seen.ToString();
    }

    /// <summary>Reads attach messages until the call ends; returns the status it ended with.</summary>
    public static async Task<Status> AttachEndAsync(IAsyncStreamReader<AttachResponse> stream, CancellationToken cancellationToken)
    {
        try
        {
            while (await stream.MoveNext(cancellationToken))
            {
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException error)
        {
            return error.Status;
        }
    }
}
