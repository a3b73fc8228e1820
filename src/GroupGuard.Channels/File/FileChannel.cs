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
    /// <summary>
    /// Linux file systems (ext4, xfs, btrfs, tmpfs) take at most 255 bytes a file name, in UTF-8.
    /// Windows takes 255 UTF-16 units, never more than the UTF-8 bytes of the same name.
    /// </summary>
    private const int MaxFileNameBytes = 255;

    /// <summary>How many files of one name (<c>…-2.md</c> and on) are looked at before giving up.</summary>
    private const int MaxSameName = 100;

    /// <summary>
    /// The leader's name's share of a file name: what is left when the longest name written around
    /// it, the temporary file's (longer than any <c>…-100.md</c>), has its longest period end.
    /// </summary>
    private static readonly int MaxLeaderBytes =
        MaxFileNameBytes - Encoding.UTF8.GetByteCount(TempName(FileName("", DateTimeOffset.MaxValue), Guid.Empty));

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
            var staged = Path.Combine(folder, TempName(fileName, Guid.NewGuid()));
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
            throw new DigestChannelException($"file channel '{Name}': could not write {fileName} in {_path}: {exception.Message}", exception, ChannelErrorKind.WriteFailed);
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

    internal static string FileName(DigestDocument digest) => FileName(FileSafe(digest.Leader), digest.To);

    private static string FileName(string safeLeader, DateTimeOffset periodEnd) =>
        $"{safeLeader}-{periodEnd.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture)}.md";

    /// <summary>Where a file is written before it takes its name: hidden, and never another try's.</summary>
    private static string TempName(string fileName, Guid id) => $".{fileName}.{id:N}.tmp";

    /// <summary>
    /// The leader's name as a file name on any system: no separators, wildcards, control characters
    /// or device names, and short enough in UTF-8 bytes that every name written with it fits.
    /// </summary>
    internal static string FileSafe(string leader)
    {
        var builder = new StringBuilder(leader.Length);
        foreach (var c in leader)
        {
            builder.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }

        // No leading dots (hidden files, "..") and no trailing dots or spaces (Windows drops them).
        var safe = builder.ToString().Trim().Trim('.').TrimEnd();
        if (safe.Length == 0)
        {
            return "leader";
        }

        if (ReservedNames.Contains(safe.Split('.')[0]))
        {
            safe = "_" + safe;
        }

        if (Encoding.UTF8.GetByteCount(safe) > MaxLeaderBytes)
        {
            // The first part of a split by bytes: cut between characters, never inside a surrogate
            // pair (the name has no line ends left to split at).
            safe = MessageSplitter.Split(safe, MaxLeaderBytes, MessageSplitter.Utf8Bytes)[0];
            while (safe.Length > 0 && (safe[^1] == '.' || char.IsWhiteSpace(safe[^1])))
            {
                safe = safe[..^1];
            }
        }

        return safe.Length == 0 ? "leader" : safe;
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
