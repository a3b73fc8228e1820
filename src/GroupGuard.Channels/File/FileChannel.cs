using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Channels;

/// <summary>
/// Writes the Markdown digest to <c>&lt;Path&gt;/&lt;leader&gt;-&lt;period end yyyyMMdd-HHmmss-fff&gt;.md</c>,
/// atomically: a reader sees the whole digest or none. A message's file is never replaced by
/// another message's: the name has the period end to the millisecond (the outbox's precision, so
/// two messages of one leader, two alerts in one second too, never share it), and a name taken by
/// another message (two leaders whose names read the same on disk) gives way to the next free
/// <c>…-2.md</c>, <c>…-3.md</c>. A retry finds the file its message already has and writes nothing.
/// </summary>
internal sealed class FileChannel : IDigestChannel
{
    private const int MaxLeaderLength = 100;

    /// <summary>How many files of one name (<c>…-2.md</c> and on) are looked at before giving up.</summary>
    private const int MaxSameName = 100;

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
        var bytes = Utf8NoBom.GetBytes(digest.Markdown);
        string? temp = null;
        try
        {
            var folder = Path.GetFullPath(_path);
            Directory.CreateDirectory(folder);
            var staged = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
            temp = staged;
            // Readable by the service's user only: a digest names members and quotes them.
            var stream = new FileStream(staged, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous }.OwnerOnly());
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                // On disk before the rename, so a crash never leaves a renamed but empty file.
                stream.Flush(flushToDisk: true);
            }

            for (var n = 1; ; n++)
            {
                var name = n == 1 ? fileName : $"{Path.GetFileNameWithoutExtension(fileName)}-{n.ToString(CultureInfo.InvariantCulture)}.md";
                var target = Path.Combine(folder, name);
                try
                {
                    // Never over an existing file: it may be another message's.
                    System.IO.File.Move(staged, target, overwrite: false);
                    temp = null;
                    break;
                }
                catch (IOException) when (System.IO.File.Exists(target))
                {
                    if (await HoldsAsync(target, bytes, cancellationToken).ConfigureAwait(false))
                    {
                        break; // this message's own file, from a try whose outcome was not recorded
                    }

                    if (n == MaxSameName)
                    {
                        throw new IOException($"{MaxSameName} files named like {fileName} hold other messages");
                    }
                }
            }

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

    /// <summary>Whether the file at <paramref name="path"/> holds exactly <paramref name="bytes"/>.</summary>
    private static async Task<bool> HoldsAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length != bytes.Length)
        {
            return false;
        }

        var existing = await System.IO.File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return existing.AsSpan().SequenceEqual(bytes);
    }

    internal static string FileName(DigestDocument digest) =>
        $"{FileSafe(digest.Leader)}-{digest.To.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}.md";

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
