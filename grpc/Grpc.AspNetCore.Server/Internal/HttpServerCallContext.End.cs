using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Ending a call: status and trailers, handler errors, the deadline.</summary>
internal sealed partial class HttpServerCallContext
{
    /// <summary>Ends the call with <see cref="ServerCallContext.Status"/> and the response trailers.</summary>
    public Task EndAsync() => EndWithStatusAsync(StatusCore, _responseTrailers ?? Metadata.Empty);

    private const string DeadlineExceededDetail = "Deadline Exceeded";

    private readonly object _deadlineLock = new();
    private bool _disposed;

    public async Task EndWithErrorAsync(Exception error)
    {
        if (HttpContext.RequestAborted.IsCancellationRequested)
        {
            ServerLog.CallCancelled(_settings.Logger, _method);
            return;
        }

        if (error is OperationCanceledException && _cancellation.IsCancellationRequested)
        {
            // The handler gave up because the deadline cancelled its token; DEADLINE_EXCEEDED is (being) sent.
            ServerLog.CallCancelled(_settings.Logger, _method);
            await EndWithStatusAsync(new Status(StatusCode.DeadlineExceeded, DeadlineExceededDetail), Metadata.Empty);
            return;
        }

        Status status;
        Metadata trailers;
        if (error is RpcException rpc)
        {
            ServerLog.CallRejected(_settings.Logger, _method, rpc.StatusCode, rpc.Status.Detail);
            status = rpc.Status;
            trailers = MergeTrailers(rpc.Trailers);
        }
        else
        {
            ServerLog.HandlerFailed(_settings.Logger, _method, error);
            var detail = _settings.EnableDetailedErrors
                ? $"Exception was thrown by handler. {error.GetType().Name}: {error.Message}"
                : "Exception was thrown by handler.";
            status = new Status(StatusCode.Unknown, detail, error);
            trailers = _responseTrailers ?? Metadata.Empty;
        }

        await EndWithStatusAsync(status, trailers);
    }

    public async ValueTask DisposeAsync()
    {
        Task? deadlineTask;
        lock (_deadlineLock)
        {
            _deadlineTimer?.Dispose();
            _disposed = true;
            deadlineTask = _deadlineTask;
        }

        if (deadlineTask is not null)
        {
            await deadlineTask;
        }

        _cancellation.Dispose();
        _serializationContext?.Dispose();
    }

    private Metadata MergeTrailers(Metadata fromException)
    {
        if (_responseTrailers is null || _responseTrailers.Count == 0)
        {
            return fromException;
        }

        var merged = new Metadata();
        foreach (var entry in _responseTrailers.Concat(fromException))
        {
            merged.Add(entry);
        }

        return merged;
    }

    /// <summary>False when the call had already ended.</summary>
    private async Task<bool> EndWithStatusAsync(Status status, Metadata trailers)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_ended)
            {
                return false;
            }

            _ended = true;
            if (HttpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            var response = HttpContext.Response;
            if (!response.HasStarted)
            {
                TrailersOnlyResponse.Write(response, StatusCodes.Status200OK, status, trailers);
                return true;
            }

            if (_unflushed)
            {
                await response.BodyWriter.FlushAsync();
                _unflushed = false;
            }

            response.AppendTrailer(GrpcWire.StatusHeader, GrpcProtocol.StatusString(status.StatusCode));
            if (!string.IsNullOrEmpty(status.Detail))
            {
                response.AppendTrailer(GrpcWire.MessageHeader, GrpcProtocol.PercentEncode(status.Detail));
            }

            foreach (var entry in trailers)
            {
                response.AppendTrailer(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
            }

            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void StartDeadline(TimeSpan timeout)
    {
        var now = _settings.TimeProvider.GetUtcNow().UtcDateTime;
        _deadline = timeout >= DateTime.MaxValue - now ? DateTime.MaxValue : now + timeout;
        if (timeout > MaxTimerDelay)
        {
            return;
        }

        // Under the lock so that the callback sees the field assigned.
        lock (_deadlineLock)
        {
            _deadlineTimer = _settings.TimeProvider.CreateTimer(
                static state => ((HttpServerCallContext)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private void OnDeadline()
    {
        lock (_deadlineLock)
        {
            if (_disposed)
            {
                return;
            }

            // Timers run on the monotonic clock and may fire a little before the wall-clock deadline the handler
            // sees in ServerCallContext.Deadline; re-arm for the remainder so the two never disagree.
            var remaining = _deadline - _settings.TimeProvider.GetUtcNow().UtcDateTime;
            if (remaining > TimeSpan.Zero)
            {
                _deadlineTimer?.Change(remaining + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }

            _deadlineTask = DeadlineExceededAsync();
        }
    }

    /// <summary>Cancels the handler, then sends DEADLINE_EXCEEDED without waiting for the handler to return.</summary>
    private async Task DeadlineExceededAsync()
    {
        ServerLog.DeadlineExceeded(_settings.Logger, _method);
        try
        {
            await _cancellation.CancelAsync();
            if (await EndWithStatusAsync(new Status(StatusCode.DeadlineExceeded, DeadlineExceededDetail), Metadata.Empty))
            {
                await HttpContext.Response.CompleteAsync();
            }
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or ObjectDisposedException)
        {
            ServerLog.StatusNotSent(_settings.Logger, _method, error);
        }
    }
}
