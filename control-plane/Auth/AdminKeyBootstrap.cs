using System.Text;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>On first start (no API keys at all) creates an admin key and writes its token to an owner-only file.</summary>
internal sealed class AdminKeyBootstrap(IApiKeyStore keys, ApiKeyAuthenticator authenticator, ILogger<AdminKeyBootstrap> logger)
{
    public const string FileName = "admin.key";

    /// <summary>Returns the key file's path when a key was created, null when keys already existed.</summary>
    public async Task<string?> EnsureAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (await keys.AnyAsync(cancellationToken))
        {
            return null;
        }

        Directory.CreateDirectory(dataDirectory);
        var created = await authenticator.CreateAsync(new NewApiKey("bootstrap-admin", Scope.Admin, "", ExpiresAt: null), cancellationToken);
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        await WriteOwnerOnlyAsync(path, created.Token + "\n", cancellationToken);
        AuthLog.AdminKeyCreated(logger, created.Key.Id, path);
        return path;
    }

    private static async Task WriteOwnerOnlyAsync(string path, string content, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The admin key file needs Unix owner-only permissions.");
        }

        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
