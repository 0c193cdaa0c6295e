using Google.Protobuf;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// A List answer bounded by its encoded size as well as by page_size. Standard gRPC clients (grpc-dotnet, grpcio,
/// grpc-go) refuse a message over 4 MiB by default and one Sandbox can be over 2 MiB (<see cref="SpecLimits"/>), so a
/// page bounded by count alone could leave such a client unable to list at all, whatever page_size it picks. The
/// answer stops before the sandbox that would take it past <see cref="BudgetBytes"/>, and its next_page_token
/// continues right after the last sandbox answered: none is skipped or repeated.
/// </summary>
internal static class SandboxListPage
{
    /// <summary>
    /// A MiB under the 4 MiB clients take by default (the page token and any growth of a Sandbox's encoding fit in
    /// that), and above the largest Sandbox the spec limits admit (SandboxListPageTests measures it), so the first
    /// sandbox of a page always fits and paging always moves on.
    /// </summary>
    public const int BudgetBytes = 3 * 1024 * 1024;

    public static ListSandboxesResponse Answer(SandboxPage page, Func<SandboxRecord, Sandbox> view)
    {
        var response = new ListSandboxesResponse { NextPageToken = page.NextPageToken ?? "" };
        var bytes = 0;
        for (var i = 0; i < page.Sandboxes.Count; i++)
        {
            var sandbox = view(page.Sandboxes[i]);
            bytes += CodedOutputStream.ComputeTagSize(ListSandboxesResponse.SandboxesFieldNumber) + CodedOutputStream.ComputeMessageSize(sandbox);
            if (i > 0 && bytes > BudgetBytes)
            {
                response.NextPageToken = page.TokensAfter[i - 1];
                break;
            }

            response.Sandboxes.Add(sandbox);
        }

        return response;
    }
}
