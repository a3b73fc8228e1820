using System.Text;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// What a pack file is as a whole: a byte order mark before it is no part of it, it holds one
/// pack (one YAML document), and its <c>groups:</c> names at least one group.
/// </summary>
public sealed class PackFileShapeTests
{
    [Fact]
    public void A_byte_order_mark_before_the_pack_is_dropped_as_in_the_text_files()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("x.yaml"), "pack: x\naction: recall\nrules:\n  - id: x.a\n    terms: [加微信]\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(dir.File("x.yaml"))[0]);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var pack = Assert.Single(result.RuleSet!.Packs);
        Assert.Equal("x", pack.Id);
        Assert.Equal(ModerationAction.Recall, pack.Action);
    }

    [Fact]
    public void A_byte_order_mark_keeps_the_lines_of_errors()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "\uFEFFpack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n    action: ban\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("'ban'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_pack_in_the_same_file_is_refused_on_its_line()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n---\npack: y\naction: kick\nrules:\n  - id: y.a\n    terms: [代理招募]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("x.yaml", Path.GetFileName(error.Path));
        Assert.Equal(6, error.Line);
        Assert.Contains("one pack a file; put the second in its own file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("---\npack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n---\n")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n...\n")]
    public void A_document_marker_around_one_pack_is_fine(string yaml)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", yaml);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Single(result.RuleSet!.Rules);
    }

    [Theory]
    [InlineData("groups: {a: b}\n", "must be a list of group ids")]
    [InlineData("groups: []\n", "'groups' is empty, so the pack would apply in no group")]
    [InlineData("groups:\n  a: b\n", "must be a list of group ids")]
    [InlineData("groups: [[123]]\n", "must be a list of group ids")]
    [InlineData("groups: ['!']\n", "empty entry")]
    public void Groups_that_name_no_group_are_refused_on_their_line(string groups, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + groups + "rules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("x.yaml", Path.GetFileName(error.Path));
        Assert.Equal(groups.StartsWith("groups:\n", StringComparison.Ordinal) ? 3 : 2, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("groups: 123\n", "123", "456")]
    [InlineData("groups: [123, '456']\n", "456", "789")]
    [InlineData("groups: ['!123']\n", "456", "123")]
    [InlineData("groups: ['*', '!123']\n", "456", "123")]
    public void Groups_that_name_groups_load(string groups, string covered, string notCovered)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + groups + "rules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var scope = Assert.Single(result.RuleSet!.Packs).Groups;
        Assert.True(scope.Covers(covered));
        Assert.False(scope.Covers(notCovered));
    }

    /// <summary>
    /// A rule of terms with none: it loaded and never fired, so a terms file saved empty by a failed
    /// save took its rule out of force with no word. Now an error, as an empty 'groups' is, and a
    /// reload keeps the last good rules.
    /// </summary>
    [Theory]
    [InlineData("    terms: []\n", null, 5, "rule 'x.a' has no terms: 'terms' is empty, so it would never fire; add terms (one a line in a terms file, terms: [加微信, 私聊领取] in the pack), or take the rule out")]
    [InlineData("    terms_file: x.txt\n", "", 5, "rule 'x.a' has no terms: its terms_file x.txt holds none (it is empty, or holds only comments), so it would never fire; add terms (one a line in a terms file, terms: [加微信, 私聊领取] in the pack), or take the rule out")]
    [InlineData("    terms_file: x.txt\n", "# 以后再加\n\n", 5, "rule 'x.a' has no terms: its terms_file x.txt holds none (it is empty, or holds only comments), so it would never fire; add terms (one a line in a terms file, terms: [加微信, 私聊领取] in the pack), or take the rule out")]
    [InlineData("    terms: []\n    terms_file: x.txt\n", "", 6, "rule 'x.a' has no terms: 'terms' is empty and its terms_file x.txt holds none, so it would never fire; add terms (one a line in a terms file, terms: [加微信, 私聊领取] in the pack), or take the rule out")]
    public void A_rule_of_terms_with_none_is_refused_on_its_line(string terms, string? file, int line, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\naction: recall\nrules:\n  - id: x.a\n" + terms);
        if (file is not null)
        {
            dir.Write("x.txt", file);
        }

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal("x.yaml", Path.GetFileName(error.Path));
        Assert.Equal(line, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_rule_with_an_empty_terms_list_and_terms_in_its_file_loads()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.a\n    terms: []\n    terms_file: x.txt\n");
        dir.Write("x.txt", "加微信\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["加微信"], result.RuleSet!.Rules.Single().Terms.Select(t => t.Text));
    }

    /// <summary>
    /// An entry of 'groups' no platform's group id can be: it loaded as a group that never speaks, so
    /// the pack applied nowhere it was meant to. Now refused on its line, saying what to write. A
    /// group's name (二年级家长群), or its number with hanzi or in full width, was such an entry too.
    /// </summary>
    [Theory]
    [InlineData("groups: [＊]\n", "'groups' names '＊', which is no group id: write \"*\" (the asterisk of English punctuation, in quotes) for every group")]
    [InlineData("groups: 全部\n", "'groups' names '全部', which is no group id: write \"*\" (the asterisk of English punctuation, in quotes) for every group")]
    [InlineData("groups: 12345678，87654321\n", "'groups' names '12345678，87654321', which is no group id (one holds no spaces or commas): give each group as an entry of the list: groups: [\"12345678\", \"87654321\"]")]
    [InlineData("groups: [12345678、87654321]\n", "'groups' names '12345678、87654321', which is no group id (one holds no spaces or commas): give each group as an entry of the list: groups: [\"12345678\", \"87654321\"]")]
    [InlineData("groups: [1234 5678]\n", "'groups' names '1234 5678', which is no group id (one holds no spaces or commas): for one group write it without spaces (groups: [\"12345678\"]), for several give each as an entry of the list: groups: [\"1234\", \"5678\"]")]
    [InlineData("groups: ['*', '!1234 5678']\n", "'groups' names '1234 5678', which is no group id (one holds no spaces or commas): for one group write it without spaces (groups: [\"12345678\"]), for several give each as an entry of the list: groups: [\"1234\", \"5678\"]")]
    [InlineData("groups: [二年级家长群]\n", "'groups' names '二年级家长群', which is no group id: an id is the letters and digits the platform shows for the group, typed in English (a QQ group's is its number, 群号), not its name: groups: [\"123456\"]")]
    [InlineData("groups: [群111222333]\n", "'groups' names '群111222333', which is no group id: an id is the letters and digits the platform shows for the group, typed in English (a QQ group's is its number, 群号): write groups: [\"111222333\"]")]
    [InlineData("groups: ['*', '!１１１２２２３３３']\n", "'groups' names '１１１２２２３３３', which is no group id: an id is the letters and digits the platform shows for the group, typed in English (a QQ group's is its number, 群号): write groups: [\"!111222333\"]")]
    public void A_group_entry_no_platform_s_id_can_be_is_refused_saying_what_to_write(string groups, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + groups + "rules:\n  - id: x.a\n    terms: [加微信]\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("groups: [12345678o]\n", "'groups' names '12345678o', which has a letter among its digits: probably the group 123456780 mistyped; no group has that id, so the pack does not apply in group 123456780: write the id as the platform shows it")]
    [InlineData("groups: ['*', '!65432l']\n", "'groups' names '65432l', which has a letter among its digits: probably the group 654321 mistyped; no group has that id, so the pack still applies in group 654321: write the id as the platform shows it")]
    public void A_group_id_with_a_letter_among_its_digits_is_a_warning_naming_the_group_meant(string groups, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + groups + "rules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(2, warning.Line);
        Assert.Equal(message, warning.Message);
    }

    [Theory]
    [InlineData("groups: ['12345@chatroom', 'C9F778FE6ADF9D1D1DBE395BF744A33A', '!wrOgQhDgAAcwMTB7YmDkbeBsgT_KAAAA']\n")]
    public void Group_ids_of_every_platform_load_with_no_warning(string groups)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + groups + "rules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }
}
