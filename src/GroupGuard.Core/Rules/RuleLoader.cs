using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GroupGuard.Core.Rules;

/// <summary>The outcome of loading a rules folder: a rule set when there were no errors, and every problem found.</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleError> Errors, IReadOnlyList<RuleError> Warnings)
{
    public bool Succeeded => RuleSet is not null;
}

/// <summary>
/// Reads every <c>*.yaml</c>/<c>*.yml</c> pack in a folder (term files beside them) and reports
/// every problem at once, each as <c>path:line: message</c>, instead of stopping at the first.
/// </summary>
public static class RuleLoader
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly HashSet<string> PackKeys =
        ["pack", "name", "description", "category", "severity", "action", "mute_minutes", "mode", "groups", "rules"];

    private static readonly HashSet<string> RuleKeys =
    [
        "id", "description", "terms", "terms_file", "match", "pinyin", "unless", "regex", "detector",
        "allow_domains", "deny_domains", "severity", "action", "mute_minutes", "mode", "category",
        "flood", "repeat", "mention_all",
    ];

    // Accepted so that packs written for later versions load, but not acted on yet: said as a warning.
    private static readonly HashSet<string> NotYetActive =
        ["pinyin", "unless", "detector", "allow_domains", "deny_domains", "flood", "repeat", "mention_all"];

    public static RuleLoadResult Load(string directory)
    {
        var errors = new List<RuleError>();
        var warnings = new List<RuleError>();
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            errors.Add(new RuleError(full, 0, "rules folder does not exist"));
            return new RuleLoadResult(null, errors, warnings);
        }

        var files = System.IO.Directory.EnumerateFiles(full)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var packs = new List<RulePack>();
        var packIds = new Dictionary<string, (string Path, int Line)>(StringComparer.Ordinal);
        var ruleIds = new Dictionary<string, (string Path, int Line)>(StringComparer.Ordinal);

        foreach (var file in files)
        {
            var display = Display(file);
            var reader = new PackReader(file, display, errors, warnings, hash);
            var pack = reader.Read();
            if (pack is null)
            {
                continue;
            }

            if (packIds.TryGetValue(pack.Id, out var first))
            {
                errors.Add(new RuleError(display, reader.PackLine, $"duplicate pack id '{pack.Id}' (first at {first.Path}:{first.Line})"));
            }
            else
            {
                packIds[pack.Id] = (display, reader.PackLine);
            }

            foreach (var rule in pack.Rules)
            {
                if (ruleIds.TryGetValue(rule.Id, out var seen))
                {
                    errors.Add(new RuleError(display, rule.Line, $"duplicate rule id '{rule.Id}' (first at {seen.Path}:{seen.Line})"));
                }
                else
                {
                    ruleIds[rule.Id] = (display, rule.Line);
                }
            }

            packs.Add(pack);
        }

        if (errors.Count > 0)
        {
            return new RuleLoadResult(null, errors, warnings);
        }

        var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        return new RuleLoadResult(new RuleSet(version, full, packs), errors, warnings);
    }

    /// <summary>A path as an administrator would type it: relative when under the current folder.</summary>
    private static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>Reads one pack file; collects its errors rather than throwing.</summary>
    private sealed class PackReader(string file, string display, List<RuleError> errors, List<RuleError> warnings, IncrementalHash hash)
    {
        private readonly string _folder = Path.GetDirectoryName(file)!;

        public int PackLine { get; private set; } = 1;

        public RulePack? Read()
        {
            string text;
            try
            {
                var bytes = File.ReadAllBytes(file);
                hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                hash.AppendData(bytes);
                text = Encoding.UTF8.GetString(bytes);
            }
            catch (IOException ex)
            {
                Error(0, $"cannot read: {ex.Message}");
                return null;
            }

            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(text));
            }
            catch (YamlException ex)
            {
                Error(Line(ex.Start), $"YAML syntax: {ex.InnerException?.Message ?? ex.Message}");
                return null;
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(1, "a pack file must be a mapping with 'pack' and 'rules'");
                return null;
            }

            var map = Keys(root, PackKeys, "pack");

            var id = Scalar(map, "pack", root, required: true);
            PackLine = map.TryGetValue("pack", out var idNode) ? Line(idNode.Start) : 1;
            var name = Scalar(map, "name", root) ?? id;
            var category = Scalar(map, "category", root) ?? id;
            var severity = Enum(map, "severity", Severity.Medium);
            var action = Enum(map, "action", ModerationAction.Log);
            var mode = Enum(map, "mode", RuleMode.Enforce);
            var mute = Minutes(map, "mute_minutes", 10);
            var groups = Groups(map);

            var rules = new List<Rule>();
            if (!map.TryGetValue("rules", out var rulesNode))
            {
                Error(Line(root.Start), "missing 'rules'");
            }
            else if (rulesNode is not YamlSequenceNode sequence)
            {
                Error(Line(rulesNode.Start), "'rules' must be a list");
            }
            else if (id is not null)
            {
                foreach (var item in sequence.Children)
                {
                    var rule = ReadRule(item, new Rule
                    {
                        Id = "",
                        PackId = id,
                        Category = category ?? id,
                        Severity = severity,
                        Action = action,
                        MuteMinutes = mute,
                        Mode = mode,
                        Groups = groups,
                        SourcePath = display,
                    });
                    if (rule is not null)
                    {
                        rules.Add(rule);
                    }
                }
            }

            // A pack with errors is still returned, so that duplicates across files are found too;
            // the loader gives no rule set while any error stands.
            if (id is null)
            {
                return null;
            }

            return new RulePack
            {
                Id = id,
                Name = name ?? id,
                Category = category ?? id,
                Severity = severity,
                Action = action,
                MuteMinutes = mute,
                Mode = mode,
                Groups = groups,
                SourcePath = display,
                Rules = rules,
            };
        }

        private Rule? ReadRule(YamlNode node, Rule defaults)
        {
            if (node is not YamlMappingNode ruleNode)
            {
                Error(Line(node.Start), "each rule must be a mapping with an 'id'");
                return null;
            }

            var line = Line(ruleNode.Start);
            var map = Keys(ruleNode, RuleKeys, "rule");
            var id = Scalar(map, "id", ruleNode, required: true);
            if (id is null)
            {
                return null;
            }

            foreach (var key in map.Keys.Where(NotYetActive.Contains))
            {
                warnings.Add(new RuleError(display, Line(map[key].Start), $"rule '{id}': '{key}' is accepted but not acted on by this version"));
            }

            var terms = new List<RuleTerm>();
            if (map.TryGetValue("terms", out var termsNode))
            {
                if (termsNode is YamlSequenceNode list)
                {
                    foreach (var t in list.Children)
                    {
                        AddTerm(terms, t is YamlScalarNode s ? s.Value : null, display, Line(t.Start), id);
                    }
                }
                else
                {
                    Error(Line(termsNode.Start), $"rule '{id}': 'terms' must be a list, e.g. [加微信, 私聊领取]");
                }
            }

            var termsFile = Scalar(map, "terms_file", ruleNode);
            if (termsFile is not null)
            {
                ReadTermsFile(termsFile, Line(map["terms_file"].Start), id, terms);
            }

            Regex? regex = null;
            var pattern = Scalar(map, "regex", ruleNode);
            if (pattern is not null)
            {
                regex = Compile(pattern, Line(map["regex"].Start), id);
            }

            var activeKeys = map.Keys.Intersect(["terms", "terms_file", "regex", "detector", "flood", "repeat", "mention_all"]).Any();
            if (!activeKeys)
            {
                Error(line, $"rule '{id}' has nothing to match: give it terms, terms_file or regex");
            }

            return defaults with
            {
                Id = id,
                Category = Scalar(map, "category", ruleNode) ?? defaults.Category,
                Severity = Enum(map, "severity", defaults.Severity),
                Action = Enum(map, "action", defaults.Action),
                Mode = Enum(map, "mode", defaults.Mode),
                MuteMinutes = Minutes(map, "mute_minutes", defaults.MuteMinutes),
                Match = Enum(map, "match", TermMatch.Auto),
                Terms = terms,
                Regex = regex,
                Line = line,
            };
        }

        private void ReadTermsFile(string name, int line, string ruleId, List<RuleTerm> terms)
        {
            var path = Path.GetFullPath(Path.Combine(_folder, name));
            var termsDisplay = Display(path);
            string[] lines;
            try
            {
                var bytes = File.ReadAllBytes(path);
                hash.AppendData(Encoding.UTF8.GetBytes(name));
                hash.AppendData(bytes);
                lines = Encoding.UTF8.GetString(bytes).Split('\n');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Error(line, $"rule '{ruleId}': terms_file '{name}' cannot be read ({(ex is FileNotFoundException or DirectoryNotFoundException ? "not found" : ex.Message)})");
                return;
            }

            for (var i = 0; i < lines.Length; i++)
            {
                var entry = lines[i];
                var hashAt = entry.IndexOf('#', StringComparison.Ordinal);
                if (hashAt >= 0)
                {
                    entry = entry[..hashAt];
                }

                entry = entry.Trim();
                if (entry.Length > 0)
                {
                    terms.Add(new RuleTerm(entry, termsDisplay, i + 1));
                }
            }
        }

        private void AddTerm(List<RuleTerm> terms, string? value, string path, int line, string ruleId)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(line, $"rule '{ruleId}': empty term");
                return;
            }

            terms.Add(new RuleTerm(value.Trim(), path, line));
        }

        private Regex? Compile(string pattern, int line, string ruleId)
        {
            try
            {
                // Linear time where the pattern allows it; a time bound where it does not (backreferences, lookarounds).
                return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (NotSupportedException)
            {
                try
                {
                    return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
                }
                catch (ArgumentException ex)
                {
                    Error(line, $"rule '{ruleId}': invalid regex: {ex.Message}");
                    return null;
                }
            }
            catch (ArgumentException ex)
            {
                Error(line, $"rule '{ruleId}': invalid regex: {ex.Message}");
                return null;
            }
        }

        private Dictionary<string, YamlNode> Keys(YamlMappingNode node, HashSet<string> allowed, string what)
        {
            var map = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in node.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(key))
                {
                    Error(Line(keyNode.Start), $"unknown {what} key '{key}' (expected one of: {string.Join(", ", allowed)})");
                    continue;
                }

                if (!map.TryAdd(key, value))
                {
                    Error(Line(keyNode.Start), $"'{key}' appears twice");
                }
            }

            return map;
        }

        private string? Scalar(Dictionary<string, YamlNode> map, string key, YamlNode owner, bool required = false)
        {
            if (!map.TryGetValue(key, out var node))
            {
                if (required)
                {
                    Error(Line(owner.Start), $"missing '{key}'");
                }

                return null;
            }

            if (node is not YamlScalarNode scalar || string.IsNullOrWhiteSpace(scalar.Value))
            {
                Error(Line(node.Start), $"'{key}' must be a non-empty value");
                return null;
            }

            return scalar.Value.Trim();
        }

        private T Enum<T>(Dictionary<string, YamlNode> map, string key, T fallback)
            where T : struct, Enum
        {
            if (!map.TryGetValue(key, out var node))
            {
                return fallback;
            }

            var value = (node as YamlScalarNode)?.Value?.Trim() ?? "";
            if (System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && !value.Any(char.IsDigit))
            {
                return parsed;
            }

            var allowed = string.Join(" | ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
            Error(Line(node.Start), $"'{key}' is '{value}', expected {allowed}");
            return fallback;
        }

        private int Minutes(Dictionary<string, YamlNode> map, string key, int fallback)
        {
            if (!map.TryGetValue(key, out var node))
            {
                return fallback;
            }

            var value = (node as YamlScalarNode)?.Value;
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is > 0 and <= 43200)
            {
                return minutes;
            }

            Error(Line(node.Start), $"'{key}' is '{value}', expected whole minutes from 1 to 43200 (30 days, QQ's longest mute)");
            return fallback;
        }

        private GroupScope Groups(Dictionary<string, YamlNode> map)
        {
            if (!map.TryGetValue("groups", out var node))
            {
                return GroupScope.Everywhere;
            }

            IEnumerable<YamlNode> items = node switch
            {
                YamlSequenceNode seq => seq.Children,
                YamlScalarNode scalar => [scalar],
                _ => [],
            };

            var all = false;
            var included = new HashSet<string>(StringComparer.Ordinal);
            var excluded = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var value = (item as YamlScalarNode)?.Value?.Trim();
                if (string.IsNullOrEmpty(value))
                {
                    Error(Line(item.Start), "'groups' holds an empty entry");
                }
                else if (value == "*")
                {
                    all = true;
                }
                else if (value.StartsWith('!'))
                {
                    excluded.Add(value[1..].Trim());
                }
                else
                {
                    included.Add(value);
                }
            }

            // Only exclusions ("!123") means every other group.
            return new GroupScope(all || (included.Count == 0 && excluded.Count > 0), included, excluded);
        }

        private void Error(int line, string message) => errors.Add(new RuleError(display, line, message));

        private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);
    }
}
