using System.Text;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>A rules folder written to hurt: the loader must answer with errors, never crash or stall.</summary>
public sealed class HostileRuleFileTests
{
    private const int Deep = 100_000;

    [Theory]
    [InlineData("[", "", "]")] // flow lists
    [InlineData("{a: ", "1", "}")] // flow mappings
    [InlineData("- ", "x", "")] // block lists, all on one line
    [InlineData("[", "", "")] // unclosed, which the parser would only find at the end
    public void A_pack_nested_100k_deep_is_an_error_naming_file_and_line(string open, string inner, string close)
    {
        var deep = new StringBuilder().Insert(0, open, Deep).Append(inner).Insert(open.Length * Deep + inner.Length, close, Deep);
        using var dir = new TempFolder();
        dir.Write("deep.yaml", "pack: deep\nrules:\n" + deep + "\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.EndsWith("deep.yaml", error.Path, StringComparison.Ordinal);
        Assert.Equal(3, error.Line);
        Assert.Equal("YAML nested deeper than 64 levels", error.Message);
    }

    [Fact]
    public void Nesting_within_the_limit_still_loads()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\ndescription: " + new string('[', 60) + "x" + new string(']', 60) + "\nrules:\n  - id: p.a\n    terms: [x1]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Billion_laughs_of_anchors_and_aliases_is_refused_with_file_and_line()
    {
        // Each level is nine aliases of the one before; the last is used as a key, which YamlDotNet
        // hashes through every node it stands for.
        var yaml = new StringBuilder("pack: laughs\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level <= 10; level++)
        {
            yaml.Append($"l{level}: &l{level} [").AppendJoin(", ", Enumerable.Repeat($"*l{level - 1}", 9)).Append("]\n");
        }

        yaml.Append("bomb: {*l10 : x}\nrules:\n  - id: laughs.a\n    terms: [x1]\n");
        using var dir = new TempFolder();
        dir.Write("laughs.yaml", yaml.ToString());

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.EndsWith("laughs.yaml", error.Path, StringComparison.Ordinal);
        Assert.InRange(error.Line, 3, 13);
        Assert.Contains("aliases stand for more than 100,000 nodes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x: &k p.a\nrules:\n  - {*k : p.a, terms: [x1]}\n", 3, "alias '*k' used as a mapping key")]
    [InlineData("rules:\n  - id: p.a\n    terms: [x1]\n    ? [a, b]\n    : c\n", 4, "a mapping key must be a plain value")]
    [InlineData("rules:\n  - id: p.a\n    terms: *later\nlater: &later [x1]\n", 3, "alias '*later' has no anchor before it")]
    [InlineData("rules: &self\n  - id: p.a\n    terms: [x1]\n  - *self\n", 4, "alias '*self' is inside the node it stands for")]
    public void Aliases_and_keys_that_could_blow_up_are_errors_on_their_line(string body, int line, string message)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\n" + body);

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(line + 1, error.Line);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_anchor_shared_between_rules_still_loads()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", """
            pack: p
            rules:
              - id: p.a
                terms: [坏蛋]
                unless: &fine [不是坏蛋]
              - id: p.b
                terms: [笨蛋]
                unless: *fine
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(["不是坏蛋"], result.RuleSet!.Rules[1].Unless.Select(u => u.Text));
    }

    private static TempFolder ValidFolder()
    {
        var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms_file: terms.txt\n");
        dir.Write("terms.txt", "加微信\n");
        dir.Write("allow.txt", "微信支付\n");
        dir.Write("variants.txt", "微 薇\n");
        Assert.True(RuleLoader.Load(dir.Path).Succeeded);
        return dir;
    }

    /// <summary>
    /// Makes a file unreadable. Root reads a file whatever its mode (and CI runs as root): there a
    /// folder in the file's place is what cannot be read.
    /// </summary>
    private static void MakeUnreadable(TempFolder dir, string name)
    {
        var path = Path.Combine(dir.Path, name);
        if (!OperatingSystem.IsWindows() && !Environment.IsPrivilegedProcess)
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
            return;
        }

        File.Delete(path);
        Directory.CreateDirectory(path);
    }

    [Theory]
    [InlineData("p.yaml")]
    [InlineData("terms.txt")]
    [InlineData("allow.txt")]
    [InlineData("variants.txt")]
    public void A_rules_file_that_cannot_be_read_is_an_error_naming_it(string name)
    {
        using var dir = ValidFolder();
        MakeUnreadable(dir, name);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(name, Path.GetFileName(error.Path));
        Assert.StartsWith("cannot read: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p.yaml")]
    [InlineData("terms.txt")]
    [InlineData("allow.txt")]
    public void A_rules_file_over_16_MiB_is_an_error_with_its_size(string name)
    {
        using var dir = ValidFolder();
        using (var file = File.Create(Path.Combine(dir.Path, name)))
        {
            file.SetLength(20 * 1024 * 1024);
        }

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(name, Path.GetFileName(error.Path));
        Assert.Equal("file is 20 MiB; the limit is 16 MiB", error.Message);
    }

    [Fact]
    public void A_folder_of_more_than_1000_packs_is_an_error()
    {
        using var dir = new TempFolder();
        for (var i = 0; i <= 1000; i++)
        {
            dir.Write($"p{i}.yaml", $"pack: p{i}\nrules:\n  - id: p{i}.a\n    terms: [x{i}]\n");
        }

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("1,001 pack files; the limit is 1,000", error.Message);
    }

    [Fact]
    public void A_term_file_that_is_not_utf8_is_an_error_on_its_line()
    {
        using var dir = ValidFolder();
        // 加微信 in GBK, as an editor on a Chinese Windows saves it.
        File.WriteAllBytes(Path.Combine(dir.Path, "terms.txt"), [.. "代理\n"u8, 0xBC, 0xD3, 0xCE, 0xA2, 0xD0, 0xC5, (byte)'\n']);

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("terms.txt", Path.GetFileName(error.Path));
        Assert.Equal(2, error.Line);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }
}
