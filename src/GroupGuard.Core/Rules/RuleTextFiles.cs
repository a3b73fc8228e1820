using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.Core.Rules;

/// <summary>How the loader reads the files of a rules folder, and names them in errors.</summary>
internal static class RuleTextFiles
{
    /// <summary>The non-empty lines of a text file with their numbers, comments removed.</summary>
    internal static List<(int Line, string Text)> ReadLines(string path, string display, List<RuleError> errors, IncrementalHash hash)
    {
        var result = new List<(int, string)>();
        string[] lines;
        try
        {
            var bytes = File.ReadAllBytes(path);
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path)));
            hash.AppendData(bytes);
            lines = Encoding.UTF8.GetString(bytes).Split('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new RuleError(display, 0, $"cannot read: {ex.Message}"));
            return result;
        }

        return ParseLines(lines);
    }

    internal static List<(int Line, string Text)> ParseLines(string text) => ParseLines(text.Split('\n'));

    private static List<(int Line, string Text)> ParseLines(string[] lines)
    {
        var result = new List<(int, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var entry = lines[i];
            var hashAt = entry.IndexOf('#', StringComparison.Ordinal);
            if (hashAt >= 0)
            {
                entry = entry[..hashAt];
            }

            entry = entry.Trim().TrimStart('\uFEFF');
            if (entry.Length > 0)
            {
                result.Add((i + 1, entry));
            }
        }

        return result;
    }

    /// <summary>A path as an administrator would type it: relative when under the current folder.</summary>
    internal static string Display(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
