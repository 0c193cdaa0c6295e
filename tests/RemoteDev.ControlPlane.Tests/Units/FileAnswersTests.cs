using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Api;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

/// <summary>File answers from an agent older than the control plane: what it can answer is answered, nothing wrong is.</summary>
public sealed class FileAnswersTests
{
    [Fact]
    public void A_write_answered_without_a_file_by_an_older_agent_answers_the_bytes_written_so_far()
    {
        var request = new WriteFileRequest { Path = "/w/a", UploadId = "u1", Offset = 10, Content = ByteString.CopyFromUtf8("hello") };

        var answer = FileAnswers.Written(request, null);

        Assert.Equal((15UL, ""), (answer.Size, answer.Version));
    }

    [Fact]
    public void A_range_from_an_agent_that_sends_whole_files_is_failed_precondition_naming_offset()
    {
        var whole = new FileContent { Content = ByteString.CopyFromUtf8("0123456789") };

        var error = Assert.Throws<RpcException>(() => FileAnswers.Read(new ReadFileRequest { Path = "/w/a", Offset = 4 }, whole));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("offset: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_file_over_max_bytes_from_an_older_agent_is_failed_precondition_naming_max_bytes()
    {
        var whole = new FileContent { Content = ByteString.CopyFrom(new byte[100]) };

        var error = Assert.Throws<RpcException>(() => FileAnswers.Read(new ReadFileRequest { Path = "/w/a", MaxBytes = 64 }, whole));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.StartsWith("max_bytes: ", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_file_within_max_bytes_from_an_older_agent_is_answered_with_its_size()
    {
        var whole = new FileContent { Content = ByteString.CopyFromUtf8("0123456789"), Mode = 420 };

        var answer = FileAnswers.Read(new ReadFileRequest { Path = "/w/a" }, whole);

        Assert.Equal(("0123456789", 10UL, 420U, ""), (answer.Content.ToStringUtf8(), answer.Size, answer.Mode, answer.Version));
    }

    [Fact]
    public void A_current_agents_range_is_answered_as_it_is()
    {
        var range = new FileContent { Content = ByteString.CopyFromUtf8("456"), Size = 10, Version = "v1", Mode = 420 };

        var answer = FileAnswers.Read(new ReadFileRequest { Path = "/w/a", Offset = 4, MaxBytes = 3 }, range);

        Assert.Equal(("456", 10UL, "v1"), (answer.Content.ToStringUtf8(), answer.Size, answer.Version));
    }
}
