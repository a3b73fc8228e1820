using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>A file in the rules folder that was meant to be read and is not is a warning, naming what it was meant to be.</summary>
public sealed class UnreadFilesTests
{
    private const string Pack = "pack: p\nrules:\n  - id: p.t\n    terms: [加微信]\n";

    private static TempFolder Folder(params (string Name, string Content)[] files)
    {
        var dir = new TempFolder();
        dir.Write("p.yaml", Pack);
        foreach (var (name, content) in files)
        {
            dir.Write(name, content);
        }

        return dir;
    }

    private static RuleError WarningOf(RuleLoadResult result, string file) =>
        Assert.Single(result.Warnings, w => Path.GetFileName(w.Path) == file);

    [Theory]
    [InlineData("allow_654321.txt", "allow-654321.txt")]
    [InlineData("Allow-654321.txt", "allow-654321.txt")]
    [InlineData("ALLOW-654321.TXT", "allow-654321.txt")]
    [InlineData("allow-654321.TXT", "allow-654321.txt")]
    [InlineData("allow 654321.txt", "allow-654321.txt")]
    [InlineData("allow654321.txt", "allow-654321.txt")]
    [InlineData("alow-654321.txt", "allow-654321.txt")]
    [InlineData("allow-654321", "allow-654321.txt")]
    [InlineData("Allow.txt", "allow.txt")]
    [InlineData("allow.TXT", "allow.txt")]
    [InlineData("allow", "allow.txt")]
    [InlineData("Variants.txt", "variants.txt")]
    [InlineData("variant.txt", "variants.txt")]
    [InlineData("ads.yml.txt", "ads.yml")]
    [InlineData("ads.yaml.txt", "ads.yaml")]
    [InlineData("ads.ymal", "ads.yaml")]
    [InlineData("ads.yam", "ads.yaml")]
    [InlineData("ads.yaml ", "ads.yaml")]
    public void A_misnamed_rules_file_loads_nothing_and_is_a_warning_naming_the_name_meant(string file, string meant)
    {
        using var dir = Folder((file, "微信支付\n"));

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.RuleSet!.Allow);
        Assert.Empty(result.RuleSet.GroupAllow);
        Assert.Single(result.RuleSet.Packs);
        var warning = WarningOf(result, file);
        Assert.Equal(0, warning.Line);
        Assert.StartsWith($"not read: probably meant {meant} (", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allow-65432l.txt", "'65432l', digits but for a letter that looks like one; probably meant allow-654321.txt (a QQ group's id is digits only)")]
    [InlineData("allow-654321.txt.txt", "'654321.txt', its name ends in .txt twice; probably meant allow-654321.txt")]
    public void A_group_list_named_for_an_id_no_group_has_is_read_for_that_id_and_warned_of(string file, string warning)
    {
        using var dir = Folder((file, "微信支付\n"));

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.False(result.RuleSet!.GroupAllow.ContainsKey("654321")); // the group it was meant for still gets no list
        Assert.Equal("read as the allow list of group " + warning, WarningOf(result, file).Message);
    }

    [Fact]
    public void A_misnamed_copy_beside_the_file_read_says_only_that_one_is_read()
    {
        using var dir = Folder(("allow-654321.txt", "微信支付\n"), ("Allow-654321.txt", "支付宝\n"));

        var result = RuleLoader.Load(dir.Path);

        Assert.Equal(["微信支付"], result.RuleSet!.GroupAllow["654321"].Select(t => t.Text));
        Assert.EndsWith("; allow-654321.txt is there too, and only it is read", WarningOf(result, "Allow-654321.txt").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terms_file_no_pack_names_is_warned_of_once_the_packs_load()
    {
        using var dir = Folder(("contact.txt", "加v信\n"), ("words.txt", "代理招募\n"));
        dir.Write("q.yaml", "pack: q\nrules:\n  - id: q.t\n    terms_file: contact.txt\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("words.txt", Path.GetFileName(warning.Path));
        Assert.Equal("not read: no pack names it as its terms_file or unless_near_file; name it in a rule, or move it out of the rules folder", warning.Message);
    }

    [Fact]
    public void A_terms_file_named_with_a_typo_is_an_error_naming_the_file_that_is_there()
    {
        using var dir = Folder(("ads_contact.txt", "加v信\n"));
        dir.Write("q.yaml", "pack: q\nrules:\n  - id: q.t\n    terms_file: ads-contact.txt\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Contains("terms_file 'ads-contact.txt' not found", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; the folder has ads_contact.txt: was that meant?", error.Message, StringComparison.Ordinal);

        // A pack that does not load names no file: its files are not called unread on top of its errors.
        Assert.Empty(result.Warnings);
    }

    /// <summary>
    /// Windows hides a file's ending, so a list saved as ads-contact.txt from an editor that adds
    /// .txt is ads-contact.txt.txt; it was no near name (two letters and more apart), and the error said only "not found".
    /// </summary>
    [Theory]
    [InlineData("ads-contact.txt", "ads-contact.txt.txt", "; the folder has ads-contact.txt.txt (Windows may hide its ending .txt): rename it to ads-contact.txt")]
    [InlineData("我的词.txt", "我的词.txt.txt", "; the folder has 我的词.txt.txt (Windows may hide its ending .txt): rename it to 我的词.txt")]
    [InlineData("ads-contact", "ads-contact.txt", "; the folder has ads-contact.txt: was that meant?")]
    public void A_terms_file_saved_with_its_ending_twice_or_named_without_it_is_an_error_naming_the_file_there(string named, string there, string end)
    {
        using var dir = Folder((there, "加v信\n"));
        dir.Write("q.yaml", $"pack: q\nrules:\n  - id: q.t\n    terms_file: {named}\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Contains($"terms_file '{named}' not found", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(end, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("README.txt")]
    [InlineData("readme")]
    [InlineData("NOTES.txt")]
    [InlineData("LICENSE")]
    [InlineData("README.md")]
    [InlineData("ads.yaml.orig")]
    [InlineData("ads.yaml.rej")]
    [InlineData("allow-654321.txt.bak")]
    [InlineData("allow-654321.txt~")]
    [InlineData(".allow-654321.txt.swp")]
    [InlineData(".hidden.txt")]
    [InlineData("ads.yaml.off")]
    [InlineData("export.json")]
    [InlineData("layout.xml")]
    public void Notes_leftovers_and_files_of_other_kinds_are_no_warning(string file)
    {
        using var dir = Folder((file, "加v信\n"));

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Files_read_as_named_are_no_warning()
    {
        using var dir = Folder(("allow.txt", "微信支付\n"), ("allow-654321.txt", "支付宝\n"), ("allow-wrOgQhDgAAMYQiS5ol9G7gK9JV.txt", "收款码\n"), ("variants.txt", "微 薇\n"), ("near.txt", "警惕\n"));
        dir.Write("q.YAML", "pack: q\nunless_near_file: near.txt\nrules:\n  - id: q.t\n    terms: [刷单]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        Assert.Equal(2, result.RuleSet!.GroupAllow.Count);
    }
}
