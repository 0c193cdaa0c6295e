using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>
/// Random identifiers and secrets. Secrets carry 256 random bits, so a plain SHA-256 is an adequate stored hash
/// (no password stretching needed); comparisons are constant time.
/// </summary>
internal static class Secrets
{
    public static string NewKeyId() => "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);
}
