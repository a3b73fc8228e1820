using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>
/// Text as PostgreSQL takes it: a NUL (the server refuses it) and half a surrogate pair standing
/// alone (its driver cannot encode it) each become U+FFFD, one code unit for one, so spans into
/// the text stay where they were; whole pairs (emoji) are kept.
/// </summary>
public sealed class StoredTextCleanTests
{
    // Lone surrogates and NUL cannot stand in attribute data (it is stored as UTF-8): written here
    // as {H} (a high half), {L} (a low half), {0} (NUL) and {R} (U+FFFD).
    [Theory]
    [InlineData("加微信", "加微信")]
    [InlineData("加{0}微信", "加{R}微信")]
    [InlineData("表情😀完整", "表情😀完整")]
    [InlineData("表情{H}{L}完整", "表情😀完整")]
    [InlineData("半个{H}", "半个{R}")]
    [InlineData("{L}开头", "{R}开头")]
    [InlineData("{L}{H}", "{R}{R}")]
    [InlineData("😀{H}😀{0}", "😀{R}😀{R}")]
    public void Nul_and_lone_surrogates_become_replacement_characters_and_pairs_stay(string written, string expected)
    {
        var text = Decode(written);

        var cleaned = StoredText.Clean(text);

        Assert.Equal(Decode(expected), cleaned);
        Assert.Equal(text.Length, cleaned.Length);
    }

    private static string Decode(string written) => written
        .Replace("{H}", "\uD83D", StringComparison.Ordinal)
        .Replace("{L}", "\uDE00", StringComparison.Ordinal)
        .Replace("{0}", "\0", StringComparison.Ordinal)
        .Replace("{R}", "\uFFFD", StringComparison.Ordinal);

    [Fact]
    public void Clean_text_is_the_same_string()
    {
        const string text = "今天几点放学😀";

        Assert.Same(text, StoredText.Clean(text));
    }
}
