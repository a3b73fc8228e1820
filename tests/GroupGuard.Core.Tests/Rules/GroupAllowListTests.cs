using System.Text;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary><c>allow-&lt;group&gt;.txt</c>: a group's own allow phrases, written by a command, read by the loader, applied to that group only.</summary>
public sealed class GroupAllowListTests
{
    private const string Pack = "pack: ads\naction: recall\nrules:\n  - id: ads.contact\n    terms: [加微信]\n  - id: ads.site\n    regex: 'https?://[^\\s]*\\.xyz'\n";

    [Theory]
    [InlineData("allow-123456.txt", "123456")]
    [InlineData("allow-12345@chatroom.txt", "12345@chatroom")]
    [InlineData("allow-.txt", "")]
    [InlineData("allow.txt", null)]
    [InlineData("ads-allow-1.txt", null)]
    [InlineData("allow-1.yaml", null)]
    public void The_group_is_read_from_the_file_name(string file, string? group) =>
        Assert.Equal(group, GroupAllowList.GroupOf(file));

    [Theory]
    [InlineData("123456", true)]
    [InlineData("E7A1B2C3D4", true)]
    [InlineData("12345@chatroom", true)]
    [InlineData("", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("群", false)]
    public void Only_ids_that_can_name_a_file_are_file_group_ids(string id, bool ok) =>
        Assert.Equal(ok, GroupAllowList.IsFileGroupId(id));

    [Fact]
    public void A_group_list_cancels_hits_in_its_group_only_terms_regexes_and_all()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", Pack);
        dir.Write("allow-111.txt", "# 本群放行\n加微信群\nhttp://school.xyz\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var set = result.RuleSet!;
        Assert.Equal(["加微信群", "http://school.xyz"], set.GroupAllow["111"].Select(p => p.Text));
        Assert.Empty(set.Allow);
        Assert.Empty(MessageDetector.Detect(set, "家长请加微信群", "111").Hits);
        Assert.Empty(MessageDetector.Detect(set, "作业见 http://school.xyz", "111").Hits);
        Assert.Equal("ads.contact", Assert.Single(MessageDetector.Detect(set, "家长请加微信群", "222").Hits).Rule.Id);
        Assert.Equal("ads.site", Assert.Single(MessageDetector.Detect(set, "作业见 http://school.xyz", "222").Hits).Rule.Id);
        Assert.Single(MessageDetector.Detect(set, "家长请加微信群", null).Hits);
        Assert.Single(MessageDetector.Detect(set, "加微信领红包", "111").Hits); // what the phrase does not cover still fires
    }

    [Fact]
    public void A_group_list_changes_the_version_and_its_errors_name_the_file_and_line()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", Pack);
        var before = RuleLoader.Load(dir.Path).RuleSet!.Version;
        dir.Write("allow-111.txt", "加微信群\n");
        var after = RuleLoader.Load(dir.Path).RuleSet!.Version;
        dir.Write("allow-111.txt", "加微信群\n！！\n");
        dir.Write("allow-.txt", "加微信群\n");

        var bad = RuleLoader.Load(dir.Path);

        Assert.NotEqual(before, after);
        Assert.False(bad.Succeeded);
        Assert.Contains(bad.Errors, e => e.Path.EndsWith("allow-111.txt", StringComparison.Ordinal) && e.Line == 2);
        Assert.Contains(bad.Errors, e => e.Path.EndsWith("allow-.txt", StringComparison.Ordinal) && e.Message.Contains("not a group id", StringComparison.Ordinal));
    }

    [Fact]
    public void Add_creates_the_file_appends_a_line_and_keeps_no_duplicates()
    {
        using var dir = new TempFolder();
        var path = Path.Combine(dir.Path, "allow-111.txt");

        Assert.Equal(GroupAllowAdded.Added, GroupAllowList.Add(dir.Path, "111", "加微信群"));
        Assert.Equal(GroupAllowAdded.AlreadyThere, GroupAllowList.Add(dir.Path, "111", " 加微信群 "));
        File.AppendAllText(path, "微信支付"); // an editor left no line break at the end
        Assert.Equal(GroupAllowAdded.Added, GroupAllowList.Add(dir.Path, "111", "扫码进群"));

        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        Assert.StartsWith("#", lines[0], StringComparison.Ordinal);
        Assert.Equal(["加微信群", "微信支付", "扫码进群", ""], lines[1..]);
        dir.Write("ads.yaml", Pack);
        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Equal(3, loaded.RuleSet!.GroupAllow["111"].Count);
    }

    /// <summary>
    /// A line a command wrote with the full stop typed after the phrase (加微信群。, before the
    /// command left it off) cancels what 加微信群 cancels: 取消放行 加微信群 takes it off too, and
    /// the other way round.
    /// </summary>
    [Fact]
    public void Remove_takes_out_a_line_that_differs_from_the_phrase_only_by_a_full_stop_at_the_end()
    {
        using var dir = new TempFolder();
        var path = dir.Write("allow-111.txt", "加微信群。\n微信支付\n扫码进群！\n");

        Assert.Equal(GroupAllowRemoved.Removed, GroupAllowList.Remove(dir.Path, "111", "加微信群"));
        Assert.Equal(GroupAllowRemoved.Removed, GroupAllowList.Remove(dir.Path, "111", "微信支付。"));
        Assert.Equal(GroupAllowRemoved.NotThere, GroupAllowList.Remove(dir.Path, "111", "扫码"));

        Assert.Equal("扫码进群！\n", File.ReadAllText(path, Encoding.UTF8));
    }

    [Fact]
    public void Remove_takes_out_the_phrase_s_lines_and_leaves_every_other_line_and_comment_as_it_was()
    {
        using var dir = new TempFolder();
        var path = dir.Write("allow-111.txt", "# 本群放行\r\n加微信群\r\n微信支付  # 老师要求\r\n加微信群 # 又一次\r\n扫码进群");
        dir.Write("ads.yaml", Pack);

        Assert.Equal(GroupAllowRemoved.NotThere, GroupAllowList.Remove(dir.Path, "111", "加微信"));
        Assert.Equal(GroupAllowRemoved.NoList, GroupAllowList.Remove(dir.Path, "222", "加微信群"));
        Assert.Equal(GroupAllowRemoved.Removed, GroupAllowList.Remove(dir.Path, "111", " 加微信群 "));

        Assert.Equal("# 本群放行\r\n微信支付  # 老师要求\r\n扫码进群", File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal(["ads.yaml", "allow-111.txt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // nothing left behind
        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Equal(["微信支付", "扫码进群"], loaded.RuleSet!.GroupAllow["111"].Select(p => p.Text));
        Assert.Equal(GroupAllowRemoved.Removed, GroupAllowList.Remove(dir.Path, "111", "微信支付"));
        Assert.Equal(GroupAllowRemoved.NotThere, GroupAllowList.Remove(dir.Path, "111", "微信支付"));

        // Saved as GBK by an editor: left alone, byte for byte, rather than rewritten garbled.
        var gbk = new byte[] { 0xBC, 0xD3, 0xCE, 0xA2, 0xD0, 0xC5, 0xC8, 0xBA, 0x0A }; // 加微信群
        File.WriteAllBytes(Path.Combine(dir.Path, "allow-333.txt"), gbk);
        Assert.Equal(GroupAllowRemoved.NotUtf8, GroupAllowList.Remove(dir.Path, "333", "加微信群"));
        Assert.Equal(gbk, File.ReadAllBytes(Path.Combine(dir.Path, "allow-333.txt")));
    }

    /// <summary>
    /// A list saved as UTF-16 ('Unicode' in Notepad, with its byte order mark) was read as UTF-16 and
    /// rewritten as UTF-8 by Remove, while Add refused it: both refuse it now, and it stays as it was.
    /// </summary>
    [Fact]
    public void Remove_leaves_a_list_saved_as_utf16_byte_for_byte_as_add_does_and_keeps_utf8_s_byte_order_mark()
    {
        using var dir = new TempFolder();
        var utf16 = new byte[] { 0xFF, 0xFE, 0xA0, 0x52, 0xAE, 0x5F, 0xE1, 0x4F, 0xA4, 0x7F, 0x0A, 0x00 }; // 加微信群
        var bigEndian = new byte[] { 0xFE, 0xFF, 0x52, 0xA0, 0x5F, 0xAE, 0x4F, 0xE1, 0x7F, 0xA4, 0x00, 0x0A };
        File.WriteAllBytes(Path.Combine(dir.Path, "allow-111.txt"), utf16);
        File.WriteAllBytes(Path.Combine(dir.Path, "allow-222.txt"), bigEndian);
        dir.Write("allow-333.txt", "\uFEFF加微信群\n扫码进群\n");

        Assert.Equal(GroupAllowRemoved.NotUtf8, GroupAllowList.Remove(dir.Path, "111", "加微信群"));
        Assert.Equal(GroupAllowRemoved.NotUtf8, GroupAllowList.Remove(dir.Path, "222", "加微信群"));
        Assert.Equal(GroupAllowRemoved.Removed, GroupAllowList.Remove(dir.Path, "333", "加微信群"));

        Assert.Equal(utf16, File.ReadAllBytes(Path.Combine(dir.Path, "allow-111.txt")));
        Assert.Equal(bigEndian, File.ReadAllBytes(Path.Combine(dir.Path, "allow-222.txt")));
        Assert.Equal("\uFEFF扫码进群\n", Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir.Path, "allow-333.txt"))));
    }

    [Theory]
    [InlineData("加微信群，扫码进群", new[] { "加微信群", "扫码进群" })]
    [InlineData("加微信群、扫码进群；私聊领取", new[] { "加微信群", "扫码进群", "私聊领取" })]
    [InlineData("加微信群，", new string[0])]
    [InlineData("加微信群", new string[0])]
    public void A_phrase_of_several_run_together_is_no_line_a_command_writes(string phrase, string[] parts)
    {
        Assert.Equal(parts, GroupAllowList.PhrasesRunTogether(phrase));
        Assert.Equal(parts.Length > 0 ? AllowPhraseProblem.SeveralPhrases : AllowPhraseProblem.None, GroupAllowList.Check(phrase));
    }

    [Fact]
    public void Add_leaves_a_list_saved_as_gbk_or_utf16_byte_for_byte_rather_than_append_utf8_to_it()
    {
        using var dir = new TempFolder();
        var gbk = new byte[] { 0xBC, 0xD3, 0xCE, 0xA2, 0xD0, 0xC5, 0xC8, 0xBA, 0x0A }; // 加微信群, as 'ANSI' on a Chinese Windows
        var utf16 = new byte[] { 0xFF, 0xFE, 0xA0, 0x52, 0xAE, 0x5F, 0xE1, 0x4F, 0xA4, 0x7F, 0x0A, 0x00 }; // the same, 'Unicode' in Notepad
        File.WriteAllBytes(Path.Combine(dir.Path, "allow-111.txt"), gbk);
        File.WriteAllBytes(Path.Combine(dir.Path, "allow-222.txt"), utf16);
        dir.Write("allow-333.txt", "\uFEFF加微信群\n"); // UTF-8 with the byte order mark Windows editors write: taken

        Assert.Equal(GroupAllowAdded.NotUtf8, GroupAllowList.Add(dir.Path, "111", "扫码进群"));
        Assert.Equal(GroupAllowAdded.NotUtf8, GroupAllowList.Add(dir.Path, "222", "扫码进群"));
        Assert.Equal(GroupAllowAdded.AlreadyThere, GroupAllowList.Add(dir.Path, "333", "加微信群"));
        Assert.Equal(GroupAllowAdded.Added, GroupAllowList.Add(dir.Path, "333", "扫码进群"));

        Assert.Equal(gbk, File.ReadAllBytes(Path.Combine(dir.Path, "allow-111.txt")));
        Assert.Equal(utf16, File.ReadAllBytes(Path.Combine(dir.Path, "allow-222.txt")));
        Assert.Equal("\uFEFF加微信群\n扫码进群\n", Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir.Path, "allow-333.txt"))));
    }

    [Fact]
    public void Add_refuses_a_full_list_a_bad_phrase_and_a_group_id_that_names_no_file()
    {
        using var dir = new TempFolder();
        dir.Write("allow-111.txt", string.Concat(Enumerable.Range(0, GroupAllowList.MaxPhrases).Select(i => $"词{i}\n")));

        Assert.Equal(GroupAllowAdded.Full, GroupAllowList.Add(dir.Path, "111", "加微信群"));
        Assert.Throws<ArgumentException>(() => GroupAllowList.Add(dir.Path, "222", "a # b"));
        Assert.Throws<ArgumentException>(() => GroupAllowList.Add(dir.Path, "../x", "加微信群"));
        Assert.False(File.Exists(Path.Combine(dir.Path, "allow-222.txt")));
    }

    [Fact]
    public void Add_never_writes_what_would_stop_the_folder_from_loading()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", Pack);
        for (var group = 0; group < RuleLoader.MaxGroupAllowLists; group++)
        {
            dir.Write($"allow-{group}.txt", "加微信群\n");
        }

        var loaded = RuleLoader.Load(dir.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        Assert.Equal(RuleLoader.MaxGroupAllowLists, loaded.RuleSet!.TermLines - 1); // the pack's one term, and a line a list

        // A new list past the bound is refused; an existing list still takes a line.
        Assert.Equal(GroupAllowAdded.TooManyLists, GroupAllowList.Add(dir.Path, "one-more", "扫码进群", loaded.RuleSet.TermLines));
        Assert.False(File.Exists(Path.Combine(dir.Path, "allow-one-more.txt")));
        Assert.Equal(GroupAllowAdded.Added, GroupAllowList.Add(dir.Path, "7", "扫码进群", loaded.RuleSet.TermLines));
        Assert.True(RuleLoader.Load(dir.Path).Succeeded);

        // A folder at its bound on lines takes none more, from any list.
        Assert.Equal(GroupAllowAdded.FolderFull, GroupAllowList.Add(dir.Path, "7", "进群领资料", RuleLoader.MaxTermLines));
        Assert.DoesNotContain("进群领资料", File.ReadAllText(Path.Combine(dir.Path, "allow-7.txt"), Encoding.UTF8), StringComparison.Ordinal);

        // Nor one whose characters the phrase would take past their bound.
        Assert.Equal(GroupAllowAdded.FolderFull, GroupAllowList.Add(dir.Path, "7", "进群领资料", loaded.RuleSet.TermLines, RuleLoader.MaxTermCharacters - 4));
        Assert.Equal(GroupAllowAdded.Added, GroupAllowList.Add(dir.Path, "7", "进群领资料", loaded.RuleSet.TermLines, RuleLoader.MaxTermCharacters - 5));
    }

    [Theory]
    [InlineData("加微信群", AllowPhraseProblem.None)]
    [InlineData("！！", AllowPhraseProblem.NothingLeft)]
    [InlineData("", AllowPhraseProblem.NothingLeft)]
    [InlineData("a#b", AllowPhraseProblem.NotOneLine)]
    [InlineData("a\nb", AllowPhraseProblem.NotOneLine)]
    public void Check_says_what_would_keep_a_phrase_from_being_a_line(string phrase, AllowPhraseProblem problem) =>
        Assert.Equal(problem, GroupAllowList.Check(phrase));
}
