using Grpc.Core;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// rdev's own exit codes, one per class of failure. exec and attach instead exit with the remote process's code
/// (128 + signal number for a signal death, 124 when exec's timeout killed it).
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    /// <summary>Bad command line or INVALID_ARGUMENT / OUT_OF_RANGE from the server.</summary>
    public const int Usage = 2;
    public const int NotFound = 3;
    /// <summary>UNAUTHENTICATED, PERMISSION_DENIED, or no API key found.</summary>
    public const int Denied = 4;
    /// <summary>UNAVAILABLE or DEADLINE_EXCEEDED: the server could not be reached or did not answer in time.</summary>
    public const int Unavailable = 5;
    /// <summary>ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED: the request conflicts with the current state.</summary>
    public const int Conflict = 6;
    public const int ExecTimedOut = 124;
    public const int SignalBase = 128;
    /// <summary>128 + SIGPIPE: the reader of rdev's output went away (like `| head`), as a shell reports for Unix tools.</summary>
    public const int OutputClosed = 141;

    public static int For(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => Usage,
        StatusCode.NotFound => NotFound,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => Denied,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.Aborted => Conflict,
        _ => Failure,
    };
}
