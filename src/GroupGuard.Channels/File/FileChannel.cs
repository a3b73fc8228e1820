using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Writes the Markdown digest to <c>&lt;Path&gt;/&lt;leader&gt;-&lt;period end yyyyMMdd-HHmmss&gt;.md</c>,
/// atomically: a reader sees the whole digest or none, and a retry replaces the same file.
/// </summary>
internal sealed class FileChannel : IDigestChannel
{
    private const int MaxLeaderLength = 100;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private readonly string _path;
    private readonly ILogger _logger;

    public FileChannel(string name, FileChannelOptions options, ILogger logger)
    {
        Name = name;
        _path = options.Path!;
        _logger = logger;
    }

    public string Name { get; }

    public string Type => ChannelTypes.File;

    public async Task SendAsync(DigestDocument digest, DeliveredParts delivered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var fileName = FileName(digest);
        string? temp = null;
        try
        {
            var folder = Path.GetFullPath(_path);
            Directory.CreateDirectory(folder);
            var target = Path.Combine(folder, fileName);
            temp = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
            // Readable by the service's user only: a digest names members and quotes them.
            var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous }.OwnerOnly());
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Utf8NoBom.GetBytes(digest.Markdown), cancellationToken).ConfigureAwait(false);
                // On disk before the rename, so a crash never leaves a renamed but empty file.
                stream.Flush(flushToDisk: true);
            }

            System.IO.File.Move(temp, target, overwrite: true);
            temp = null;
            _logger.DigestSent(digest.Leader, Type, Name, 1);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new DigestChannelException($"file channel '{Name}': could not write {fileName} in {_path}: {exception.Message}", exception);
        }
        finally
        {
            if (temp is not null)
            {
                TryDelete(temp);
            }
        }
    }

    internal static string FileName(DigestDocument digest) =>
        $"{FileSafe(digest.Leader)}-{digest.To.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md";

    /// <summary>The leader's name as a file name on any system: no separators, wildcards, control characters or device names.</summary>
    internal static string FileSafe(string leader)
    {
        var builder = new StringBuilder(leader.Length);
        foreach (var c in leader)
        {
            builder.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }

        // No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them).
        var safe = builder.ToString().Trim().Trim('.').TrimEnd();
        if (safe.Length > MaxLeaderLength)
        {
            var cut = char.IsHighSurrogate(safe[MaxLeaderLength - 1]) ? MaxLeaderLength - 1 : MaxLeaderLength;
            safe = safe[..cut];
        }

        if (safe.Length == 0)
        {
            return "leader";
        }

        var stem = safe.Split('.')[0];
        return ReservedNames.Contains(stem) ? "_" + safe : safe;
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A stray temp file is harmless; the original failure is the one worth reporting.
        }
    }
}
