using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// How the fold writes a message's characters that follow one another with nothing between: a hanzi
/// repeated counts once, its span covering the repeats; a Latin letter written three times or more
/// counts once, while a double stays; each folded character keeps the span of the text it came from.
/// </summary>
public sealed class FoldRunTests
{
    private static string Describe(string text)
    {
        var folded = TextFolder.Plain.Fold(text);
        return string.Join(" ", Enumerable.Range(0, folded.Count).Select(k =>
            $"{folded.Chars[k]}[{folded.Start[k]},{folded.End[k]})x{folded.Run[k]}{(folded.Gap[k] > 0 ? $"+{folded.Gap[k]}" : "")}"));
    }

    [Theory]
    [InlineData("哈哈哈好", "哈[0,3)x3 好[3,4)x1")]
    [InlineData("fuuuck", "f[0,1)x1 u[1,4)x3 c[4,5)x1 k[5,6)x1")]
    [InlineData("good", "g[0,1)x1 o[1,2)x1 o[2,3)x1 d[3,4)x1")] // a double stays
    [InlineData("1111", "1[0,1)x1 1[1,2)x1 1[2,3)x1 1[3,4)x1")] // digits are not collapsed
    [InlineData("ＡＢ傻 傻逼", "a[0,1)x1 b[1,2)x1 傻[2,3)x1 傻[4,5)x1+1 逼[5,6)x1")] // a gap keeps the repeat apart
    [InlineData("他妈妈的", "他[0,1)x1 妈[1,3)x2 的[3,4)x1")]
    [InlineData("emmmm，emmm", "e[0,1)x1 m[1,5)x4 e[6,7)x1+1 m[7,10)x3")]
    public void A_run_of_kept_characters_folds_as_each_one_would(string text, string expected)
    {
        Assert.Equal(expected, Describe(text));
    }
}
