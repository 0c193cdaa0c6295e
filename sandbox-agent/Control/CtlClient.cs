using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Control;

/// <summary>
/// `remotedev-agent ctl ...`: talks to the running agent over its control socket. Exit codes: 0 success, 1 the agent
/// refused or could not be reached, 2 usage.
/// </summary>
internal static class CtlClient
{
    private const string Usage = """
        usage: remotedev-agent ctl <command>
          status
          process list [--tag TAG]...
          process get NAME [--env]
          process add FILE|-               (a ProcessSpec in proto JSON)
          process start|stop|remove NAME
          process restart NAME [--force]
          reload FILE|- [--restart-now]    (a ProcessSpec in proto JSON)
          logs NAME [--follow] [--tail BYTES]
        The socket is $REMOTEDEV_CTL_SOCKET (default $REMOTEDEV_DATA_DIR/agent.sock).
        """;

    public static async Task<int> RunAsync(string[] args, string socketPath, TextWriter stdout, TextWriter stderr)
    {
        JsonObject request;
        try
        {
            request = CtlArguments.Parse(args);
        }
        catch (CtlUsageException e)
        {
            await stderr.WriteLineAsync(e.Message.Length > 0 ? e.Message + "\n" + Usage : Usage);
            return 2;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            await stderr.WriteLineAsync($"remotedev-agent ctl: cannot reach the agent at {socketPath}: {e.Message}");
            return 1;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"));
        }
        catch (IOException)
        {
            // The agent answered and closed before reading the request (all its connections in use): read why.
        }

        var op = (string)request["op"]!;
        var line = await ReadLineAsync(stream);
        if (line.Length == 0)
        {
            await stderr.WriteLineAsync("remotedev-agent ctl: the agent closed the connection without an answer");
            return 1;
        }

        if (op == CtlProtocol.Status && !IsResult(line))
        {
            await stdout.WriteLineAsync(line);
            return 0;
        }

        var result = JsonParser.Default.Parse<CommandResult>(line);
        if (result.Code != 0)
        {
            await stderr.WriteLineAsync($"remotedev-agent ctl: {(Grpc.Core.StatusCode)result.Code}: {result.Message}");
            return 1;
        }

        if (op == CtlProtocol.Logs)
        {
            await using var output = Console.OpenStandardOutput();
            await stream.CopyToAsync(output);
            return 0;
        }

        await stdout.WriteLineAsync(JsonFormatter.Default.Format(result));
        return 0;
    }

    /// <summary>A status request is answered with a CommandResult only when the agent refused it.</summary>
    private static bool IsResult(string line)
    {
        using var answer = JsonDocument.Parse(line);
        return answer.RootElement.TryGetProperty("code", out _);
    }

    /// <summary>One line, read byte by byte so nothing after it (the raw log bytes) is consumed.</summary>
    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != (byte)'\n')
        {
            line.Add(one[0]);
        }

        return Encoding.UTF8.GetString(line.ToArray());
    }
}

internal sealed class CtlUsageException(string message) : Exception(message);
