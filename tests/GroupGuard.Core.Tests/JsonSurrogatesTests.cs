using System.Text;
using System.Text.Json;

namespace GroupGuard.Core.Tests;

/// <summary>Half an emoji written as an escape is read as �; everything else in the JSON is left as it was.</summary>
public sealed class JsonSurrogatesTests
{
    private static string? ReadText(string json) =>
        JsonDocument.Parse(JsonSurrogates.Mended(Encoding.UTF8.GetBytes(json)) ?? Encoding.UTF8.GetBytes(json)).RootElement.GetProperty("text").GetString();

    [Theory]
    [InlineData("""{"text":"半个\ud83d"}""", "半个\uFFFD")] // a high half at the end
    [InlineData("""{"text":"\ude00开头"}""", "\uFFFD开头")] // a low half alone
    [InlineData("""{"text":"\ud83d\ud83d\ude00"}""", "\uFFFD😀")] // a high half, then a whole pair
    [InlineData("""{"text":"\uD83D加微信\uDE00"}""", "\uFFFD加微信\uFFFD")] // upper-case hex, halves apart
    public void A_lone_half_of_a_surrogate_pair_is_read_as_the_replacement_character(string json, string expected)
    {
        Assert.Throws<InvalidOperationException>(() => JsonDocument.Parse(json).RootElement.GetProperty("text").GetString());

        Assert.Equal(expected, ReadText(json));
    }

    [Theory]
    [InlineData("""{"text":"😀 \ud83d\ude00"}""")] // a pair, raw and escaped
    [InlineData("""{"text":"C:\\ud83d"}""")] // an escaped backslash, then letters
    [InlineData("""{"text":"\\\ud83d\ude00"}""")] // a backslash, then a pair
    [InlineData("""{"text":"\u4e2d\u6587\n\"q\"\/"}""")]
    [InlineData("""{"text":"no escapes at all"}""")]
    public void Json_without_a_lone_half_is_not_copied(string json)
    {
        Assert.Null(JsonSurrogates.Mended(Encoding.UTF8.GetBytes(json)));
        Assert.Same(json, JsonSurrogates.Mended(json));
    }

    [Fact]
    public void The_string_form_mends_the_same_and_keeps_the_length()
    {
        const string json = """{"text":"前\ud83d后","name":"\udc00"}""";

        var mended = JsonSurrogates.Mended(json);

        Assert.Equal(json.Length, mended.Length);
        Assert.Equal("前\uFFFD后", JsonDocument.Parse(mended).RootElement.GetProperty("text").GetString());
        Assert.Equal("\uFFFD", JsonDocument.Parse(mended).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"text":"\ud83""")] // cut inside the escape
    [InlineData("""{"text":"\uZZZZ"}""")] // not hex
    [InlineData("\\")]
    [InlineData("")]
    public void Broken_escapes_are_left_for_the_reader_to_refuse(string json)
    {
        Assert.Null(JsonSurrogates.Mended(Encoding.UTF8.GetBytes(json)));
    }
}
