using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// A local terminal goes raw only for a process that has a terminal itself: for one on pipes it stays as it is
/// (output keeps its line endings; Ctrl-C detaches) and its input is forwarded only when the process keeps stdin open.
/// </summary>
internal static class StdinModes
{
    public static StdinMode For(LocalInput input, V1.ProcessSpec process) => input switch
    {
        LocalInput.None => StdinMode.None,
        LocalInput.Pipe => StdinMode.Piped,
        LocalInput.Terminal when process.Terminal is not null => StdinMode.Terminal,
        LocalInput.Terminal when process.StdinOpen => StdinMode.Piped,
        LocalInput.Terminal => StdinMode.None,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, null),
    };
}
