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

    [Theory]
    [InlineData("    deny_domains: [bad.\n  - id: x.t\n    terms: [代理]\n")]
    [InlineData("    deny_domains: [bad.example\n  - id: x.t\n")]
    public void An_unclosed_list_before_the_next_rule_is_a_syntax_error_near_its_line(string tail)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.url\n    detector: url\n" + tail);

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.EndsWith("x.yaml", error.Path, StringComparison.Ordinal);
        Assert.InRange(error.Line, 5, 6);
        Assert.StartsWith("YAML syntax", error.Message, StringComparison.Ordinal);
    }

    private const string Pack = """
        # a pack with one rule of each kind
        pack: fuzz
        name: 测试
        category: ads
        severity: medium
        action: recall
        mute_minutes: 10
        mode: enforce
        groups: ["*", "!123"]
        rules:
          - id: fuzz.terms
            terms: [加微信, 兼职刷单, 傻逼]
            match: auto
            pinyin: true
            unless: [微信支付]
            unless_preceded_by: [不]
            target: person
            target_scope: sentence
          - id: fuzz.regex
            regex: '(加|\+)\s*(微信|vx)[:：]?[a-z][a-z0-9_]{5,19}'
            interference: skip
            warning: "请勿发广告"
          - id: fuzz.url
            detector: url
            deny_domains: [bad.example]
          - id: fuzz.qr
            detector: qr
            kinds: [wechat_group]
          - id: fuzz.flood
            flood: { messages: 5, seconds: 10 }
            action: mute
          - id: fuzz.new
            terms: [代理]
            newcomer_hours: 24
        """;

    private static readonly int Variants = int.TryParse(Environment.GetEnvironmentVariable("GG_FUZZ_VARIANTS"), out var n) ? n : 150;

    [Fact]
    public void Every_variant_of_a_pack_loads_or_is_refused_with_errors_on_its_lines()
    {
        var random = new Random(20261205);
        var lines = Pack.Split('\n');
        string[] pieces = ["[", "]", "{", "}", ":", "- ", "'", "\"", "&a ", "*a", "!!str ", "|", ">", "#", "\t", "  ", "\\", "(", ")", "?", "~", "null", "-1", "1e9", "\u0000", "傻", "\uFEFF", "%"];
        int loaded = 0, refused = 0;
        using var dir = new TempFolder();
        for (var variant = 0; variant < Variants; variant++)
        {
            var mutated = lines.ToList();
            for (var times = random.Next(1, 4); times > 0; times--)
            {
                var at = random.Next(mutated.Count);
                switch (random.Next(5))
                {
                    case 0:
                        mutated.RemoveAt(at);
                        break;
                    case 1:
                        mutated.Insert(at, mutated[random.Next(mutated.Count)]);
                        break;
                    case 2:
                        var line = mutated[at];
                        var col = random.Next(line.Length + 1);
                        mutated[at] = line[..col] + pieces[random.Next(pieces.Length)] + line[col..];
                        break;
                    case 3:
                        mutated[at] = mutated[at].TrimStart();
                        break;
                    default:
                        var text = mutated[at];
                        mutated[at] = text.Length == 0 ? text : text[..random.Next(text.Length)];
                        break;
                }
            }

            var yaml = string.Join('\n', mutated);
            dir.Write("fuzz.yaml", yaml);
            RuleLoadResult result;
            try
            {
                result = RuleLoader.Load(dir.Path);
            }
            catch (Exception ex)
            {
                Assert.Fail($"variant {variant} threw {ex}\n{yaml}");
                return;
            }

            if (result.Succeeded)
            {
                loaded++;
                Assert.NotNull(result.RuleSet);
            }
            else
            {
                refused++;
                Assert.All(result.Errors, error =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(error.Message), $"variant {variant}: an error without words");
                    Assert.True(error.Line >= 0, $"variant {variant}: line {error.Line}");
                });
            }
        }

        Assert.True(loaded > 0 && refused > 0, $"{loaded} loaded, {refused} refused");
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

    /// <summary>The error says what the file probably was saved as, and how to save it right, in words an administrator on Windows acts on.</summary>
    [Fact]
    public void A_term_file_saved_as_gbk_or_utf16_says_so_and_how_to_save_it_as_utf8()
    {
        using var dir = ValidFolder();
        File.WriteAllBytes(Path.Combine(dir.Path, "terms.txt"), [0xBC, 0xD3, 0xCE, 0xA2, 0xD0, 0xC5, (byte)'\n']);
        var gbk = Assert.Single(RuleLoader.Load(dir.Path).Errors);
        File.WriteAllText(Path.Combine(dir.Path, "terms.txt"), "加微信\n", System.Text.Encoding.Unicode);
        var utf16 = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal("not UTF-8 text: probably saved as GBK ('ANSI' on a Chinese Windows); save it as UTF-8 (in Notepad: 另存为, then 编码 UTF-8)", gbk.Message);
        Assert.Equal("not UTF-8 text: saved as UTF-16 ('Unicode' in Notepad); save it as UTF-8 (in Notepad: 另存为, then 编码 UTF-8)", utf16.Message);
        Assert.Equal(1, utf16.Line);
    }
}
