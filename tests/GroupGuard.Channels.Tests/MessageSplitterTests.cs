using System.Text;

namespace GroupGuard.Channels.Tests;

public sealed class MessageSplitterTests
{
    [Fact]
    public void A_short_message_is_one_part()
    {
        Assert.Equal(["第一行\n第二行"], MessageSplitter.Split("第一行\n第二行", 4096, MessageSplitter.Utf8Bytes));
    }

    [Fact]
    public void Parts_end_at_line_ends_and_rejoin_to_the_original()
    {
        var text = Support.Digests.ChineseLines(10_000);

        var parts = MessageSplitter.Split(text, 4096, MessageSplitter.Utf8Bytes);

        Assert.True(parts.Count >= 3);
        Assert.All(parts, part => Assert.InRange(Encoding.UTF8.GetByteCount(part), 1, 4096));
        Assert.All(parts, part => Assert.EndsWith("\n", part, StringComparison.Ordinal));
        Assert.Equal(text, string.Concat(parts));
    }

    [Fact]
    public void A_line_longer_than_a_part_is_cut_between_characters_never_inside_one()
    {
        // 4-byte emoji (surrogate pairs) and 3-byte CJK, on one line, offset by one ASCII byte.
        var line = "x" + string.Concat(Enumerable.Repeat("😀群", 2000));

        var parts = MessageSplitter.Split(line + "\n尾行\n", 4096, MessageSplitter.Utf8Bytes);

        Assert.True(parts.Count > 3);
        Assert.Equal(line + "\n尾行\n", string.Concat(parts));
        foreach (var part in parts)
        {
            Assert.InRange(Encoding.UTF8.GetByteCount(part), 1, 4096);
            Assert.False(char.IsHighSurrogate(part[^1]), "a part ends inside a surrogate pair");
            Assert.False(char.IsLowSurrogate(part[0]), "a part starts inside a surrogate pair");
            // Round-trips through strict UTF-8: no sequence was cut.
            var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
            Assert.Equal(part, strict.GetString(strict.GetBytes(part)));
        }
    }

    [Theory]
    [InlineData(" [详情](https://guard.example.org/console/incidents/12345)")] // Markdown
    [InlineData(" https://guard.example.org/console/incidents/12345")] // plain text
    public void A_line_longer_than_a_part_is_cut_before_the_link_it_ends_with_never_through_it(string link)
    {
        // A digest's line of very long names, a few bytes short of a part: its link alone goes on.
        var line = string.Concat(Enumerable.Repeat("群", 1360)) + "（高）" + link + "\n";

        var parts = MessageSplitter.Split("标题\n" + line + "尾行\n", 4096, MessageSplitter.Utf8Bytes);

        Assert.Equal("标题\n" + line + "尾行\n", string.Concat(parts));
        Assert.All(parts, part => Assert.InRange(Encoding.UTF8.GetByteCount(part), 1, 4096));
        Assert.Single(parts, part => part.Contains(link, StringComparison.Ordinal));
    }

    [Fact]
    public void A_text_within_the_limit_is_not_shortened()
    {
        Assert.Equal("群管日报（王经理）", MessageSplitter.Shorten("群管日报（王经理）", 27, MessageSplitter.Utf8Bytes));
    }

    [Fact]
    public void A_text_over_the_limit_is_cut_between_whole_characters_and_ends_in_an_ellipsis()
    {
        // "…" is three UTF-8 bytes: 20 bytes leave 17 for the text, which the emoji (4 bytes, a
        // surrogate pair) and the accented e (e and a combining mark, 3 bytes) must not be cut in.
        var shortened = MessageSplitter.Shorten("群管日报😀e\u0301😀e\u0301", 20, MessageSplitter.Utf8Bytes);

        Assert.Equal("群管日报😀…", shortened);
        Assert.Equal("群管日报😀e\u0301…", MessageSplitter.Shorten("群管日报😀e\u0301😀e\u0301", 23, MessageSplitter.Utf8Bytes));
    }
}
