using System.Security.Cryptography;
using System.Text;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>What `seq 1 N` writes, as a length and a SHA-256, to compare a large output without holding it.</summary>
internal sealed class SeqOutput
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Length { get; private set; }

    public static (long Length, string Sha256) Expected(int last)
    {
        var output = new SeqOutput();
        var line = new StringBuilder();
        for (var i = 1; i <= last; i++)
        {
            line.Append(i).Append('\n');
            if (line.Length > 64 * 1024)
            {
                output.Add(Encoding.ASCII.GetBytes(line.ToString()));
                line.Clear();
            }
        }

        output.Add(Encoding.ASCII.GetBytes(line.ToString()));
        return output.Result();
    }

    public void Add(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Length += data.Length;
    }

    public (long Length, string Sha256) Result() => (Length, Convert.ToHexString(_hash.GetHashAndReset()));
}
