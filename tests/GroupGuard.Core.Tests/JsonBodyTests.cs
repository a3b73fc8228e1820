using System.Text;
using System.Text.Json;

namespace GroupGuard.Core.Tests;

/// <summary>A delivered body read in one pass: what it may hold, and what makes it malformed.</summary>
public sealed class JsonBodyTests
{
    [Fact]
    public void A_body_with_a_byte_order_mark_and_a_half_emoji_reads()
    {
        var body = Encoding.UTF8.GetBytes("\uFEFF{\"nickname\":\"a\\ud83db\",\"n\":1}  \r\n");

        using var json = JsonBody.Parse(body);

        Assert.Equal("a\uFFFDb", json.Root.GetProperty("nickname").GetString());
        Assert.Equal(1, json.Root.GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("{\"post_type\":\"message\"} trailing")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("")]
    [InlineData("{\"a\":1,}")]
    public void Anything_but_one_json_value_is_malformed(string text)
    {
        var thrown = Record.Exception(() => JsonBody.Parse(Encoding.UTF8.GetBytes(text)).Dispose());

        Assert.StartsWith("malformed JSON: ", JsonProblem.Of(thrown!));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        static string Nested(int depth) => new string('[', depth) + new string(']', depth);

        using (var ok = JsonBody.Parse(Encoding.UTF8.GetBytes(Nested(JsonBody.MaxDepth))))
        {
            Assert.Equal(JsonValueKind.Array, ok.Root.ValueKind);
        }

        var thrown = Record.Exception(() => JsonBody.Parse(Encoding.UTF8.GetBytes(Nested(JsonBody.MaxDepth + 1))).Dispose());
        Assert.Contains("depth", JsonProblem.Of(thrown!), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bodies_read_at_once_keep_their_own_bytes()
    {
        // Each body is read from a buffer of the pool: one given back must not be another's.
        using var first = JsonBody.Parse("{\"text\":\"first\"}"u8);
        JsonBody.Parse("{\"text\":\"overwritten?\"}"u8).Dispose();
        using var second = JsonBody.Parse("{\"text\":\"second\"}"u8);

        Assert.Equal("first", first.Root.GetProperty("text").GetString());
        Assert.Equal("second", second.Root.GetProperty("text").GetString());
    }
}
