using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A counted repetition inside a repeated group costs the NonBacktracking engine about the product
/// of their bounds on every character (the auditor's <c>([a-z0-9].{0,30}){12}微信</c>: 32 s on one
/// 60,000-character message); the load refuses it on its line. Nothing here is timed.
/// </summary>
public sealed class NestedRepetitionTests
{
    [Theory]
    [InlineData(@"([a-z0-9].{0,30}){12}微信", 360)]
    [InlineData(@"([a-z0-9].{0,30}){3}微信", 90)]
    [InlineData(@"([a-z0-9].{0,30}){2}微信", 60)]
    [InlineData(@"([a-z0-9].{0,30})*微信", 120)]
    [InlineData(@"([a-z0-9].{0,30})+?微信", 120)]
    [InlineData(@"([a-z0-9].{0,8})*微信", 32)]
    [InlineData(@"(?:[a-z0-9][^\n]{0,16}){4,}微信", 64)]
    [InlineData(@"(加(x.{0,3}){3}){2}微信", 18)]
    [InlineData(@"(a|b.{0,20}){2}", 40)]
    public void A_repeated_group_holding_a_counted_repetition_is_refused_on_its_line(string regex, long product)
    {
        Assert.Equal(product, RegexSize.NestedRepetition(regex)?.Product);

        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.slow\n    regex: '{regex}'\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("x.yaml", Path.GetFileName(error.Path));
        Assert.Equal(4, error.Line);
        Assert.Contains("rule 'x.slow': regex repeats a group that holds a counted repetition", error.Message, StringComparison.Ordinal);
        Assert.Contains($"multiply to {product:N0}, the limit is 16", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"[a-z0-9].{0,360}微信")]
    [InlineData(@"([a-z0-9].{0,3}){3}微信")]
    [InlineData(@"([a-z0-9].{0,4})*微信")]
    [InlineData(@"([a-z0-9].*){12}微信")]
    [InlineData(@"(ab){12}")]
    [InlineData(@"(\d{3}-){2}\d{4}")]
    [InlineData(@"(a.{0,30})?b")]
    [InlineData(@"(a.{0,30}){1}b")]
    [InlineData(@"x\{0,30\}{12}")]
    [InlineData(@"[({0,30}){12}]")]
    [InlineData(@"(加|jia)[\s\p{P}]{0,3}(微[\s\p{P}]{0,3}信|v)[^\n]{0,30}?\d{6,11}")]
    public void Repetitions_that_do_not_multiply_past_the_bound_load(string regex)
    {
        Assert.Null(RegexSize.NestedRepetition(regex));

        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.ok\n    regex: '{regex}'\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Theory]
    [InlineData("")]
    [InlineData("(((")]
    [InlineData(")))*{")]
    [InlineData("{99999999999999999999}")]
    [InlineData("(a{0,99999999999999999999}){99999999999999999999}")]
    [InlineData("\\")]
    public void Odd_patterns_never_throw(string regex)
    {
        _ = RegexSize.NestedRepetition(regex);
    }
}
