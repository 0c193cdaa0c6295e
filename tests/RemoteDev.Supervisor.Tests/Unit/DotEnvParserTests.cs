using RemoteDev.Supervisor.Env;

namespace RemoteDev.Supervisor.Tests.Unit;

public sealed class DotEnvParserTests
{
    private static Dictionary<string, string> Parse(string text) => DotEnvParser.ToDictionary(DotEnvParser.Parse(text));

    [Fact]
    public void Comments_blank_lines_and_export_are_understood()
    {
        var env = Parse("# comment\n\nexport A=1\n  B = two words  # trailing\n");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two words" }, env);
    }

    [Fact]
    public void Single_quotes_are_literal()
    {
        var env = Parse("A='x\\ny $HOME # not a comment'\n");

        Assert.Equal("x\\ny $HOME # not a comment", env["A"]);
    }

    [Fact]
    public void Double_quotes_take_escapes()
    {
        var env = Parse("A=\"tab\\there \\\"q\\\" back\\\\slash \\$HOME\"\n");

        Assert.Equal("tab\there \"q\" back\\slash $HOME", env["A"]);
    }

    [Fact]
    public void Double_quoted_values_may_span_lines()
    {
        var entries = DotEnvParser.Parse("KEY=\"-----BEGIN\nline\n-----END\"\nNEXT=1\n");

        Assert.Equal(
            [new DotEnvEntry("KEY", "-----BEGIN\nline\n-----END", 1, 3), new DotEnvEntry("NEXT", "1", 4, 4)],
            entries);
    }

    [Fact]
    public void A_later_assignment_wins()
    {
        Assert.Equal("2", Parse("A=1\nA=2\n")["A"]);
    }

    [Theory]
    [InlineData("A=1\nnot an assignment\n", 2)]
    [InlineData("A=1\n1BAD=x\n", 2)]
    [InlineData("A=1\nB='open\n", 2)]
    [InlineData("A=\"open\nstill open\n", 1)]
    [InlineData("A=\"closed\" junk\n", 1)]
    public void A_malformed_line_is_reported_by_number(string text, int line)
    {
        var error = Assert.Throws<DotEnvException>(() => DotEnvParser.Parse(text));

        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Quote_round_trips_any_value()
    {
        const string value = "a\"b\\c$d\ne\tf";

        Assert.Equal(value, Parse("A=" + DotEnvParser.Quote(value))["A"]);
    }
}
