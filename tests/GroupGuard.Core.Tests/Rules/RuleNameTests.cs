using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A rule's <c>name:</c>, the short label leaders read in digests and alerts in place of its id:
/// read onto the rule, bounded, told apart from a misspelt or Chinese key, and one of its own in its pack.
/// </summary>
public sealed class RuleNameTests
{
    private static RuleLoadResult Load(string yaml)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", yaml);
        return RuleLoader.Load(dir.Path);
    }

    [Fact]
    public void A_rules_name_is_what_a_leader_reads_and_a_rule_without_one_keeps_its_id()
    {
        var result = Load("pack: fraud\nname: 诈骗\nrules:\n  - id: fraud.loan\n    name: 贷款诈骗\n    terms: [无抵押贷款]\n  - id: fraud.other\n    terms: [刷单返利]\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        var loan = result.RuleSet!.Find("fraud.loan")!;
        var other = result.RuleSet.Find("fraud.other")!;
        Assert.Equal(("贷款诈骗", "贷款诈骗", "贷款诈骗"), (loan.Name, loan.Label, loan.ShownName));
        // Without one: the id for a leader, the pack's Chinese name before it where the group reads it.
        Assert.Equal((null, "fraud.other", "诈骗 fraud.other"), (other.Name, other.Label, other.ShownName));
        Assert.Equal("诈骗", loan.PackName); // the pack's own name: is still the pack's
    }

    [Fact]
    public void A_name_longer_than_a_glance_stops_the_load_on_its_line_saying_where_more_goes()
    {
        var result = Load("pack: fraud\nrules:\n  - id: fraud.loan\n    name: 以无抵押秒批为诱饵骗取手续费的贷款广告\n    terms: [无抵押贷款]\n");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("x.yaml", 4), (Path.GetFileName(error.Path), error.Line));
        Assert.Equal("rule 'fraud.loan': 'name' is 19 characters long; the limit is 16: it is the short label leaders read in digests and alerts in place of the id (贷款诈骗 for fraud.loan); say more in 'description'", error.Message);
    }

    [Theory]
    [InlineData("    name: \"\"\n", "'name' must be a non-empty value")]
    [InlineData("    name: \"贷款\\n诈骗\"\n", "'name' holds a control character (a line break, a tab)")]
    public void An_empty_name_or_one_of_two_lines_is_an_error_on_its_line(string line, string message)
    {
        var result = Load("pack: fraud\nrules:\n  - id: fraud.loan\n" + line + "    terms: [无抵押贷款]\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((4, message), (error.Line, error.Message));
    }

    [Theory]
    [InlineData("nmae")]
    [InlineData("Name")]
    [InlineData("名称")]
    [InlineData("名字")]
    public void A_misspelt_or_chinese_name_key_says_to_write_name(string key)
    {
        var result = Load($"pack: fraud\nrules:\n  - id: fraud.loan\n    {key}: 贷款诈骗\n    terms: [无抵押贷款]\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith($"unknown rule key '{key}': write 'name' (expected one of: id, name, description, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_rules_of_a_pack_with_one_name_are_a_warning_on_the_second_and_still_load()
    {
        var result = Load("pack: fraud\nrules:\n  - id: fraud.loan\n    name: 贷款诈骗\n    terms: [无抵押贷款]\n  - id: fraud.loan2\n    name: 贷款诈骗\n    terms: [秒批贷款]\n");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(7, warning.Line);
        Assert.Equal("rule 'fraud.loan2': its name '贷款诈骗' is rule 'fraud.loan''s too, so digests and alerts would name both alike: give each rule of the pack a name of its own", warning.Message);
    }

    [Fact]
    public void Two_packs_may_each_have_a_rule_of_one_name()
    {
        using var dir = new TempFolder();
        dir.Write("a.yaml", "pack: a\nrules:\n  - id: a.loan\n    name: 贷款诈骗\n    terms: [无抵押贷款]\n");
        dir.Write("b.yaml", "pack: b\nrules:\n  - id: b.loan\n    name: 贷款诈骗\n    terms: [秒批贷款]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }

    /// <summary>Every shipped rule is named for a leader, and each name tells the rule from the others of its pack.</summary>
    [Fact]
    public void Every_shipped_rule_has_a_name_of_its_own_in_its_pack()
    {
        var packs = Detection.ShippedRules.Value.Packs;

        Assert.True(packs.Sum(p => p.Rules.Count) >= 50);
        Assert.All(packs.SelectMany(p => p.Rules), r => Assert.False(string.IsNullOrWhiteSpace(r.Name), $"{r.Id} has no name"));
        Assert.All(packs, p => Assert.Equal(p.Rules.Count, p.Rules.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count()));
        // A label, not an id again or a description.
        Assert.All(packs.SelectMany(p => p.Rules), r => Assert.True(r.Name!.Length <= Rule.MaxNameLength && !r.Name.All(char.IsAscii), r.Id));
        Assert.Equal("贷款诈骗", Detection.ShippedRules.Value.Find("fraud.loan")!.Name);
        Assert.Equal("加联系方式引流", Detection.ShippedRules.Value.Find("ads.contact-id")!.Name);
    }
}
