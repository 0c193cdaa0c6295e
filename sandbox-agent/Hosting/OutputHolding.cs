namespace RemoteDev.Agent.Hosting;

/// <summary>The agent holds [Start, End) of a process's output in offset space <see cref="Epoch"/>.</summary>
internal readonly record struct OutputHolding(string Process, string Epoch, ulong Start, ulong End);
