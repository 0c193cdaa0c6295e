using System.Collections.Concurrent;
using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>The output credit of the execs of one link session, by command id; closed with the session.</summary>
internal sealed class ExecCredits
{
    private readonly ConcurrentDictionary<string, ExecOutputCredit> _open = new(StringComparer.Ordinal);
    private volatile bool _closed;

    /// <summary>The credit of exec <paramref name="commandId"/> until it is disposed.</summary>
    public ExecOutputCredit Open(string commandId, long window)
    {
        var credit = new ExecOutputCredit(window, c => _open.TryRemove(new KeyValuePair<string, ExecOutputCredit>(commandId, c)));
        if (!_open.TryAdd(commandId, credit))
        {
            throw new ProcessHostException(StatusCode.AlreadyExists, $"command {commandId} is already running");
        }

        if (_closed)
        {
            credit.Close();
        }

        return credit;
    }

    /// <summary>Credit for a command that is not running (any more) is ignored.</summary>
    public void Grant(ExecCredit message)
    {
        if (_open.TryGetValue(message.CommandId, out var credit))
        {
            credit.Grant(message.Bytes);
        }
    }

    /// <summary>The session ended: pumps waiting for credit stop forwarding, so their commands run on unblocked.</summary>
    public void CloseAll()
    {
        _closed = true;
        foreach (var credit in _open.Values)
        {
            credit.Close();
        }
    }
}
