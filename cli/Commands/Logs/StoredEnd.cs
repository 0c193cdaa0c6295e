using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Logs;

/// <summary>
/// The end offset of a process's stored output, in the operator API's offset space: the end of the last byte (or gap)
/// a one-byte tail returns, 0 when nothing is stored. (ProcessStatus.output_end counts in the agent's space.)
/// </summary>
internal static class StoredEnd
{
    public static async Task<ulong> GetAsync(Connection api, string sandboxId, string process, CancellationToken cancellationToken)
    {
        var request = new V1.LogsRequest { SandboxId = sandboxId, Process = process, TailBytes = 1 };
        using var call = api.Processes.Logs(request, deadline: api.Deadline(), cancellationToken: cancellationToken);
        ulong end = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            end = response.MsgCase == V1.LogsResponse.MsgOneofCase.Output
                ? response.Output.Offset + (ulong)response.Output.Data.Length
                : response.Gap.Offset + response.Gap.Length;
        }

        return end;
    }
}
