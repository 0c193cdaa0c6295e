using System.Text.Json.Nodes;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Control;

/// <summary>Turns `ctl` arguments into a ctl request (see <see cref="CtlProtocol"/>).</summary>
internal static class CtlArguments
{
    private static readonly HashSet<string> ValueFlags = ["--tail", "--tag"];

    public static JsonObject Parse(string[] args)
    {
        var words = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !ValueFlags.Contains(args[i - 1]))).ToList();
        var flags = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        return words switch
        {
            ["status"] => new JsonObject { ["op"] = CtlProtocol.Status },
            ["process", "list", ..] => Command(new Command { List = Tags(args) }),
            ["process", "get", var name] => Command(new Command { Get = new GetProcess { Name = name, IncludeEnv = flags.Contains("--env") } }),
            ["process", "add", var file] => Command(new Command { Add = ReadSpec(file) }),
            ["process", "start", var name] => Command(new Command { Start = new ProcessName { Name = name } }),
            ["process", "stop", var name] => Command(new Command { Stop = new StopProcess { Name = name } }),
            ["process", "remove", var name] => Command(new Command { Remove = new ProcessName { Name = name } }),
            ["process", "restart", var name] => Command(new Command { Restart = new RestartProcess { Name = name, Force = flags.Contains("--force") } }),
            ["reload", var file] => Command(new Command { Reload = new ReloadProcess { Spec = ReadSpec(file), RestartNow = flags.Contains("--restart-now") } }),
            ["logs", var name] => Logs(name, flags.Contains("--follow"), args),
            _ => throw new CtlUsageException(""),
        };
    }

    private static JsonObject Command(Command command)
    {
        command.Id = "ctl-" + Guid.NewGuid().ToString("N");
        return new JsonObject { ["op"] = CtlProtocol.Command, ["command"] = JsonNode.Parse(JsonFormatter.Default.Format(command)) };
    }

    private static JsonObject Logs(string name, bool follow, string[] args)
    {
        var request = new JsonObject { ["op"] = CtlProtocol.Logs, ["name"] = name, ["follow"] = follow };
        var tail = Array.IndexOf(args, "--tail");
        if (tail >= 0)
        {
            request["tail"] = tail + 1 < args.Length && ulong.TryParse(args[tail + 1], out var bytes) ? bytes : throw new CtlUsageException("--tail needs a number of bytes");
        }

        return request;
    }

    private static ListProcesses Tags(string[] args)
    {
        var list = new ListProcesses();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--tag")
            {
                list.Tags.Add(args[i + 1]);
            }
        }

        return list;
    }

    private static ProcessSpec ReadSpec(string file)
    {
        var json = file == "-" ? Console.In.ReadToEnd() : File.Exists(file) ? File.ReadAllText(file) : throw new CtlUsageException($"no such file: {file}");
        try
        {
            return JsonParser.Default.Parse<ProcessSpec>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new CtlUsageException($"{file}: not a ProcessSpec: {e.Message}");
        }
    }
}
