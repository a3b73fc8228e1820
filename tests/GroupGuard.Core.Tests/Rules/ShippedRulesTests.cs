using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// <see cref="ShippedRules.Compare"/>: after an upgrade the operator's copy of the packs is told
/// apart from the packs the new version ships, file by file.
/// </summary>
public sealed class ShippedRulesTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Shipped => _temp.Folder("shipped");

    private string Mine => _temp.Folder("mine");

    public void Dispose() => _temp.Dispose();

    private void WriteShipped()
    {
        _temp.Write("shipped/fraud.yaml", "pack: fraud\n# v2\n");
        _temp.Write("shipped/ads.yaml", "pack: ads\n");
        _temp.Write("shipped/allow.txt", "刷单诈骗\n");
        _temp.Write("shipped/promo.yaml", "pack: promo\n");
        _temp.Write("shipped/README.md", "not a rules file\n");
        _temp.Write("shipped/.hidden.yaml", "ignored\n");
    }

    [Fact]
    public void A_copy_that_fell_behind_names_the_changed_and_the_missing_files()
    {
        WriteShipped();
        _temp.Write("mine/fraud.yaml", "pack: fraud\n# v1\n"); // the older version, or edited
        _temp.Write("mine/ads.yaml", "pack: ads\n"); // as shipped
        _temp.Write("mine/allow.txt", "刷单诈骗\n加微信群\n"); // the operator's own phrase added
        _temp.Write("mine/mine.yaml", "pack: mine\n"); // a pack of the operator's own: not the shipped packs' business

        var comparison = ShippedRules.Compare(Mine, Shipped);

        Assert.NotNull(comparison);
        Assert.False(comparison.Same);
        Assert.Equal(["allow.txt", "fraud.yaml"], comparison.Changed);
        Assert.Equal(["promo.yaml"], comparison.Missing);
        var said = comparison.Describe();
        Assert.Contains(Mine, said, StringComparison.Ordinal);
        Assert.Contains(Shipped, said, StringComparison.Ordinal);
        Assert.Contains("changed there: allow.txt, fraud.yaml; not there: promo.yaml", said, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_as_shipped_is_the_same()
    {
        WriteShipped();
        foreach (var name in new[] { "fraud.yaml", "ads.yaml", "allow.txt", "promo.yaml" })
        {
            File.Copy(Path.Combine(Shipped, name), Path.Combine(Mine, name));
        }

        var comparison = ShippedRules.Compare(Mine, Shipped);

        Assert.NotNull(comparison);
        Assert.True(comparison.Same);
    }

    [Fact]
    public void A_folder_of_the_operator_s_own_packs_is_not_compared()
    {
        WriteShipped();
        _temp.Write("mine/school.yaml", "pack: school\n");

        Assert.Null(ShippedRules.Compare(Mine, Shipped));
    }

    [Fact]
    public void The_shipped_folder_itself_and_a_link_to_it_are_not_compared()
    {
        WriteShipped();
        var link = _temp.File("link");
        Directory.CreateSymbolicLink(link, Shipped);

        Assert.Null(ShippedRules.Compare(Shipped, Shipped));
        Assert.Null(ShippedRules.Compare(Shipped + Path.DirectorySeparatorChar, Shipped));
        Assert.Null(ShippedRules.Compare(link, Shipped));
    }

    [Fact]
    public void Without_shipped_packs_nothing_is_compared()
    {
        _temp.Write("mine/fraud.yaml", "pack: fraud\n");

        Assert.Null(ShippedRules.Compare(Mine, _temp.File("nowhere")));
    }

    [Fact]
    public void A_pack_kept_elsewhere_behind_a_link_is_compared_by_what_it_leads_to()
    {
        WriteShipped();
        var kept = _temp.Write("elsewhere/fraud.yaml", "pack: fraud\n# v2\n");
        File.CreateSymbolicLink(Path.Combine(Mine, "fraud.yaml"), kept);
        File.CreateSymbolicLink(Path.Combine(Mine, "ads.yaml"), _temp.File("elsewhere/gone.yaml")); // leads nowhere: the load says so

        var comparison = ShippedRules.Compare(Mine, Shipped);

        Assert.NotNull(comparison);
        Assert.Empty(comparison.Changed);
        Assert.Equal(["allow.txt", "promo.yaml"], comparison.Missing);
    }
}
