namespace RemoteDev.ControlPlane.Store;

internal enum StoreError
{
    NotFound,
    AlreadyExists,
    /// <summary>Optimistic concurrency: the record changed since the caller read it (revision mismatch).</summary>
    Conflict,
    InvalidArgument,
}

/// <summary>A typed store failure the API maps to a gRPC status (NOT_FOUND, ALREADY_EXISTS, ABORTED, INVALID_ARGUMENT).</summary>
internal sealed class StoreException(StoreError error, string field, string message) : Exception(message)
{
    public StoreError Error { get; } = error;

    /// <summary>The request field at fault, e.g. "name" or "page_token".</summary>
    public string Field { get; } = field;
}
