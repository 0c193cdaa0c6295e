using System.Buffers.Text;
using System.Diagnostics;

namespace RemoteDev.Bench.Agent;

/// <summary>
/// Lines that start with the writer's CLOCK_MONOTONIC time in ns; latency = arrival (Stopwatch, the same clock on
/// Linux) minus that. Lines may be split across chunks: the partial tail is carried to the next chunk.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _micros = [];
    private readonly List<byte> _carry = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _micros.Count;
            }
        }
    }

    public void Record(ReadOnlySpan<byte> data, long arrivedTicks)
    {
        var arrivedNs = (double)arrivedTicks * 1_000_000_000 / Stopwatch.Frequency;
        lock (_gate)
        {
            _carry.AddRange(data);
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_carry);
            var consumed = 0;
            int newline;
            while ((newline = span[consumed..].IndexOf((byte)'\n')) >= 0)
            {
                var line = span.Slice(consumed, newline);
                if (Utf8Parser.TryParse(line.TrimStart((byte)' '), out long writtenNs, out _))
                {
                    _micros.Add((arrivedNs - writtenNs) / 1000);
                }

                consumed += newline + 1;
            }

            _carry.RemoveRange(0, consumed);
        }
    }

    /// <summary>Over the lines after the first <paramref name="warmUp"/> (code paths still being compiled).</summary>
    public (double P50, double P99, int Count) Percentiles(int warmUp)
    {
        lock (_gate)
        {
            var sorted = _micros.Skip(warmUp).Order().ToArray();
            return sorted.Length == 0 ? (double.NaN, double.NaN, 0) : (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], sorted.Length);
        }
    }
}
