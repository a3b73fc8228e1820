using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.Core.Rules;

/// <summary>How the loader reads the files of a rules folder, and names them in errors.</summary>
internal static class RuleTextFiles
{
    /// <summary>The largest rules file read: packs and term lists of real use are a few hundred KiB.</summary>
    public const int MaxFileBytes = 16 * Mebibyte;

    private const int Mebibyte = 1024 * 1024;

    // Strict, so that a term list saved as GBK is reported rather than loaded as replacement characters.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The error for a file that is not UTF-8, saying what it probably is and how to save it right:
    /// UTF-16 ("Unicode" in Notepad, with its byte order mark), else GBK ("ANSI" on a Chinese Windows,
    /// as older Notepad and Excel's text export save it).
    /// </summary>
    internal static string NotUtf8(ReadOnlySpan<byte> bytes)
    {
        const string How = "save it as UTF-8 (in Notepad: 另存为, then 编码 UTF-8)";
        return bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            ? $"not UTF-8 text: saved as UTF-16 ('Unicode' in Notepad); {How}"
            : $"not UTF-8 text: probably saved as GBK ('ANSI' on a Chinese Windows); {How}";
    }

    /// <summary>
    /// The text of a rules file, added to the version hash. Null when it cannot be read, is larger
    /// than <see cref="MaxFileBytes"/> or is not UTF-8; the error then names the file. A bad file must
    /// cost a reload, never the service, so no failure of the read escapes.
    /// </summary>
    internal static string? ReadText(string path, string display, RuleProblems errors, IncrementalHash hash)
    {
        byte[]? bytes;
        long size;
        try
        {
            bytes = ReadBounded(path, out size);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            var reason = ex is not UnauthorizedAccessException ? ex.Message
                : Directory.Exists(path) ? "it is a folder, not a file"
                : $"{ex.Message} The service runs as {Environment.UserName}: let that user read the file (chown or chmod it as the rules folder's other files are)";
            errors.Add(new RuleError(display, 0, $"cannot read: {reason}"));
            return null;
        }

        if (bytes is null)
        {
            var shown = size > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(size * 10.0 / Mebibyte) / 10:0.#} MiB") : "larger";
            errors.Add(new RuleError(display, 0, $"file is {shown}; the limit is {MaxFileBytes / Mebibyte} MiB"));
            return null;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var line = ex.Index >= 0 && ex.Index < bytes.Length ? bytes.AsSpan(0, ex.Index).Count((byte)'\n') + 1 : 0;
            errors.Add(new RuleError(display, line, NotUtf8(bytes)));
            return null;
        }

        hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path)));
        hash.AppendData(bytes);
        return text;
    }

    /// <summary>
    /// The file's bytes; null when there are more than <see cref="MaxFileBytes"/>, without reading
    /// them all. <paramref name="size"/> is then the file's size, or 0 when only reading told.
    /// </summary>
    private static byte[]? ReadBounded(string path, out long size)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        size = stream.CanSeek ? stream.Length : 0;
        if (size > MaxFileBytes)
        {
            return null;
        }

        // The length is only a hint: the file may change while it is read.
        using var buffer = new MemoryStream((int)size);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                size = 0;
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The non-empty lines of a text file with their numbers, comments removed; none when it cannot be read.</summary>
    internal static List<(int Line, string Text)> ReadLines(string path, string display, RuleProblems errors, IncrementalHash hash) =>
        ReadText(path, display, errors, hash) is { } text ? ParseLines(text) : [];

    internal static List<(int Line, string Text)> ParseLines(string text) => ParseLines(text.Split('\n'));

    internal static List<(int Line, string Text)> ParseLines(string[] lines)
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
