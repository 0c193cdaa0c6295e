using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// One output pipe of an exec and where it goes. <see cref="Unread"/> counts the bytes waiting in the pipe;
/// <see cref="Stop"/> (the exec's timeout or cancellation) ends any wait for credit.
/// </summary>
internal sealed record ExecPumpOptions(
    string CommandId,
    StreamKind Kind,
    Stream Pipe,
    Func<int> Unread,
    ExecOutputCredit Credit,
    ICommandSink Sink,
    CancellationToken Stop);
