using System.Globalization;
using System.Text.RegularExpressions;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Says what a YAML syntax error in a pack most likely is, in words an administrator who edits the
/// file by hand can act on, with the line to mend and what to write there: a full-width colon after
/// a key (<c>action： recall</c>, as a Chinese input method types it), a key with no space after its
/// colon (<c>action:recall</c>), a line indented with a tab, a line not indented like the ones around
/// it, a backslash in double quotes (<c>"加微信\d+"</c>), a list or quote left open. The parser's own
/// words follow in brackets, for whoever knows YAML.
/// </summary>
internal static partial class YamlSyntax
{
    // How far (in lines) from where the parser stopped a mistake found on its own line is taken as the cause.
    private const int Near = 3;

    private const string TabIndented = "this line is indented with a tab";

    /// <summary>
    /// The problems to report for a syntax error the parser found at <paramref name="line"/> of
    /// <paramref name="text"/>: each line holding one of the mistakes above (a key is one of
    /// <paramref name="keys"/>), and where none is near that line, that line with what its
    /// indentation or the parser's message tells.
    /// </summary>
    public static IReadOnlyList<(int Line, string Message)> Explain(string text, int line, string parserMessage, IReadOnlySet<string> keys)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var said = $" (the YAML parser said: {parserMessage})";
        var found = new List<(int Line, string Message)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var text1 = lines[i];
            var indent = text1.Length - text1.TrimStart(' ', '\t').Length;
            if (text1.AsSpan(0, indent).Contains('\t'))
            {
                found.Add((i + 1, "YAML syntax: " + TabIndented + "; indent with spaces only (YAML takes no tabs: most editors can turn them into spaces)"));
                continue;
            }

            if (KeyLine().Match(text1) is not { Success: true } key || !keys.Contains(key.Groups["key"].Value))
            {
                continue;
            }

            var name = key.Groups["key"].Value;
            var value = key.Groups["value"].Value.Trim();
            if (key.Groups["colon"].Value == "：")
            {
                found.Add((i + 1, $"YAML syntax: '{name}' is followed by a full-width colon '：'; write '{name}: {value}', with the colon ':' of English punctuation and a space after it"));
            }
            else if (key.Groups["value"].Value is [not (' ' or '\t'), ..])
            {
                found.Add((i + 1, $"YAML syntax: no space after the colon of '{name}'; write '{name}: {value}', with a space after the colon"));
            }
        }

        // A tab the parser names is the tab-indented line found above, however far from where it
        // stopped (a rule's "- " indented with a tab stops it where the mapping began, at line 1).
        var tabNamed = parserMessage.Contains("tab", StringComparison.OrdinalIgnoreCase) && found.Exists(f => f.Message.Contains(TabIndented, StringComparison.Ordinal));
        if (!tabNamed && (found.Count == 0 || !found.Exists(f => Math.Abs(f.Line - line) <= Near)))
        {
            found.Add((line, "YAML syntax: " + Guess(lines, line, parserMessage) + said));
        }

        return found;
    }

    /// <summary>What the mistake at <paramref name="line"/> probably is, from the parser's message and the lines' indentation.</summary>
    private static string Guess(string[] lines, int line, string parserMessage)
    {
        if (parserMessage.Contains("unknown escape character", StringComparison.OrdinalIgnoreCase))
        {
            return "a backslash (\\) in double quotes starts an escape; put a regex in single quotes instead (regex: '加微信\\d+'; a ' inside it is written '')";
        }

        if (parserMessage.Contains("did not find expected ',' or ']'", StringComparison.OrdinalIgnoreCase))
        {
            return "a list opened with '[' is not closed with ']' on this line, or its items are not separated by commas ','";
        }

        if (parserMessage.Contains("quoted scalar", StringComparison.OrdinalIgnoreCase) && parserMessage.Contains("end of stream", StringComparison.OrdinalIgnoreCase))
        {
            return "a quote (' or \") opened here is not closed";
        }

        if (line < 1 || line > lines.Length || string.IsNullOrWhiteSpace(lines[line - 1]))
        {
            return "the file is not valid YAML here; look at this line and the ones before it: indentation (spaces only), a colon and a space after each key, quotes and brackets closed";
        }

        var here = lines[line - 1];
        var indent = Indent(here);
        if (here.TrimStart().StartsWith("- ", StringComparison.Ordinal))
        {
            for (var i = line - 2; i >= 0; i--)
            {
                if (lines[i].TrimStart().StartsWith("- ", StringComparison.Ordinal) && Indent(lines[i]) != indent)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"this rule's '- ' is {Spaces(indent)} in, the one of the rule before it (line {i + 1}) {Spaces(Indent(lines[i]))}; start every rule in the same column (2 spaces in, under 'rules:')");
                }
            }
        }

        var value = here.IndexOf(": ", StringComparison.Ordinal) is var colon and >= 0 ? here[(colon + 2)..] : "";
        if (value.Contains(": ", StringComparison.Ordinal) && !value.TrimStart().StartsWith('\'') && !value.TrimStart().StartsWith('"'))
        {
            return "the value on this line holds a colon and a space (': ') itself; put the whole value in single quotes ('…')";
        }

        for (var i = line - 2; i >= 0; i--)
        {
            var before = lines[i];
            if (string.IsNullOrWhiteSpace(before) || before.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (Indent(before) != indent)
            {
                return string.Create(CultureInfo.InvariantCulture, $"this line is indented {Spaces(indent)}, the line before it (line {i + 1}) {Spaces(Indent(before))}; the keys of the pack start at the left edge, and the keys of one rule line up under its 'id' (4 spaces in)");
            }

            break;
        }

        return "the file is not valid YAML here; look at this line and the one before it: indentation (spaces only), a colon and a space after each key, quotes and brackets closed";
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string Spaces(int count) => count == 1 ? "1 space" : string.Create(CultureInfo.InvariantCulture, $"{count} spaces");

    // A key at the start of a line (after a rule's "- "), its colon (ASCII or full-width) and what follows.
    [GeneratedRegex(@"^[ \t]*(?:-[ \t]+)?(?<key>[A-Za-z_]+)[ \t]*(?<colon>[:：])(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLine();
}
