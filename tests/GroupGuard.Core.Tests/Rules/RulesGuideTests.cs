using System.Text.RegularExpressions;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// <c>rules/README.md</c> is what an administrator who opens the rules folder reads first: the
/// files it names must be there, and what it tells them to write must load and do what it says.
/// </summary>
public sealed partial class RulesGuideTests
{
    private static readonly string Folder = RuleLoaderTests.FindRepoFolder("rules");

    private static string Guide => File.ReadAllText(Path.Combine(Folder, "README.md"));

    /// <summary>The guide's YAML examples, in order.</summary>
    private static List<string> Examples() => [.. YamlBlock().Matches(Guide).Select(m => m.Groups[1].Value)];

    /// <summary>The guide's own pack for one group's rules: the one example that is a whole pack.</summary>
    private static string OwnPack() => Assert.Single(Examples(), e => e.StartsWith("pack:", StringComparison.Ordinal));

    private static RuleLoadResult Load(string pack)
    {
        using var dir = new TempFolder();
        dir.Write("our-group.yaml", pack);
        return RuleLoader.Load(dir.Path);
    }

    [Fact]
    public void Every_file_the_guide_lists_is_in_the_shipped_folder()
    {
        var named = FileName().Matches(Guide).Select(m => m.Groups[1].Value).Where(n => !n.Contains('*', StringComparison.Ordinal) && !n.Contains("群号", StringComparison.Ordinal)).Distinct().ToList();

        Assert.Contains("ads.yaml", named);
        Assert.Contains("allow.txt", named);
        var shipped = Directory.EnumerateFiles(Folder).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        // Not shipped: the example of a new pack, of one set aside, and of a group's own allow list.
        var examples = named.Where(n => n == "our-group.yaml" || n.EndsWith(".off", StringComparison.Ordinal) || n.StartsWith(GroupAllowList.FilePrefix, StringComparison.Ordinal));
        Assert.Equal(["allow-123456.txt", "our-group.yaml", "xxx.yaml.off"], examples.Order(StringComparer.Ordinal));
        Assert.All(named.Except(examples), n => Assert.Contains(n, shipped));

        // …and every pack shipped is in its table.
        Assert.All(shipped.Where(n => n!.EndsWith(".yaml", StringComparison.Ordinal)), n => Assert.Contains(n!, named));
    }

    [Fact]
    public void The_guides_own_pack_loads_without_a_warning_and_acts_only_in_its_group()
    {
        var result = Load(OwnPack());

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        var hit = Assert.Single(MessageDetector.Detect(result.RuleSet!, "出二手自行车，九成新", groupId: "123456").Hits);
        Assert.Equal(("our-group.trade", ModerationAction.Warn), (hit.Rule.Id, hit.Rule.Action));
        Assert.Equal("本群不允许发二手交易信息", hit.Rule.WarningTemplate);
        Assert.False(MessageDetector.Detect(result.RuleSet!, "出二手自行车，九成新", groupId: "654321").Flagged);
    }

    [Fact]
    public void Each_line_the_guide_gives_to_write_into_a_pack_loads_there_without_a_warning()
    {
        var lines = Examples().Where(e => !e.StartsWith("pack:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count); // terms, and the two ways to name groups

        foreach (var line in lines)
        {
            var key = line[..line.IndexOf(':', StringComparison.Ordinal)];
            var indent = OwnPack().Split('\n').Single(l => l.TrimStart().StartsWith(key + ":", StringComparison.Ordinal));
            var pack = OwnPack().Replace(indent, indent[..(indent.Length - indent.TrimStart().Length)] + line.TrimEnd(), StringComparison.Ordinal);

            var result = Load(pack);

            Assert.True(result.Succeeded, line + "\n" + string.Join("\n", result.Errors));
            Assert.Empty(result.Warnings);
        }
    }

    [Fact]
    public void The_guides_example_of_terms_run_together_is_warned_of_as_it_says()
    {
        var runTogether = RunTogether().Match(Guide);
        Assert.True(runTogether.Success);

        var result = Load(OwnPack().Replace("[出二手, 收二手, 转让闲置]", runTogether.Groups[1].Value, StringComparison.Ordinal));

        Assert.True(result.Succeeded);
        Assert.Contains("one term", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex(@"`([\w\-*群号]+\.(?:yaml|txt)(?:\.off)?)`")]
    private static partial Regex FileName();

    [GeneratedRegex(@"`(\[[^\]`]*，[^\]`]*\])`")]
    private static partial Regex RunTogether();
}
