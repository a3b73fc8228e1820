using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>The word lists built into Core from <c>Text/Data/</c>: one entry a line, '#' starts a comment.</summary>
internal static class TextData
{
    /// <summary>The entries of the list <paramref name="name"/>, trimmed, without blank lines and comments.</summary>
    public static string[] Lines(string name)
    {
        using var stream = typeof(TextData).Assembly.GetManifestResourceStream("GroupGuard.Core.Text.Data." + name)
            ?? throw new InvalidOperationException($"The list {name} is missing from GroupGuard.Core");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                lines.Add(line);
            }
        }

        return [.. lines];
    }
}
