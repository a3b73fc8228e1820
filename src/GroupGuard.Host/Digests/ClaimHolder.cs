using System.Diagnostics;
using System.Globalization;

namespace GroupGuard.Host.Digests;

/// <summary>
/// Who holds a digest channel's claim: this process, as its id, start mark and machine. A restarted
/// service can then tell the claims of its dead predecessor (same machine, that process gone) and
/// send those channels at once instead of waiting for the claims to run out, while the claims of a
/// live instance on the same machine stay with it. The "machine" is the host name and, on Linux, the
/// process id namespace: two containers sharing a host name (host networking) see each other's
/// process ids not at all, so each would take the other's live claims for a dead process's.
/// </summary>
internal static class ClaimHolder
{
    /// <summary>Where this process's ids mean something: the host name, and on Linux its process id namespace.</summary>
    public static string Machine { get; } = Environment.MachineName + PidNamespace();

    public static string Current { get; } = Describe(Environment.ProcessId, StartMark(Environment.ProcessId) ?? 0, Machine);

    internal static string Describe(int processId, long startMark, string machine) =>
        string.Create(CultureInfo.InvariantCulture, $"{processId}@{startMark}@{machine}");

    /// <summary>True when <paramref name="holder"/> is a process of this machine that no longer runs.</summary>
    public static bool IsGone(string holder)
    {
        var parts = holder.Split('@', 3);
        if (parts.Length != 3
            || !string.Equals(parts[2], Machine, StringComparison.Ordinal)
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startMark))
        {
            return false; // another machine's (or unreadable): its claim runs out on its own
        }

        try
        {
            // No process with that id, or the id reused by a later process.
            return StartMark(processId) is not { } mark || mark != startMark;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException
            or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // cannot tell: let the claim run out
        }
    }

    /// <summary>"#pid:[4026531836]" on Linux (the link <c>/proc/self/ns/pid</c>), else empty.</summary>
    private static string PidNamespace()
    {
        try
        {
            return OperatingSystem.IsLinux() && new FileInfo("/proc/self/ns/pid").LinkTarget is { Length: > 0 } target ? "#" + target : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>
    /// When the process started, as every process of the machine reads it; null when there is no
    /// such process. On Linux the kernel's start time in clock ticks after boot (<c>/proc/PID/stat</c>,
    /// field 22). Not <see cref="Process.StartTime"/> there: .NET derives it from a boot time that
    /// each reading process computes from its own clock readings, so two instances see one start a
    /// few milliseconds apart, and a live instance's claim looked like a dead one's to its peer (the
    /// peer then sent the channel a second time). Elsewhere the system records the start time itself.
    /// </summary>
    internal static long? StartMark(int processId)
    {
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            // "pid (command) state ppid …": the command may hold spaces and parentheses, so the
            // fields are counted from the last ')'; the one after it is field 3, the start time 22.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 19 ? long.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture) : throw new FormatException($"/proc/{processId}/stat has {fields.Length + 2} fields, not the 22 or more expected");
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
