using System.Diagnostics;
using System.Globalization;

namespace GroupGuard.Host.Digests;

/// <summary>
/// Who holds a digest channel's claim: this process, as its id, start time and machine. A restarted
/// service can then tell the claims of its dead predecessor (same machine, that process gone) and
/// send those channels at once instead of waiting for the claims to run out.
/// </summary>
internal static class ClaimHolder
{
    public static string Current { get; } = Describe(Environment.ProcessId, StartTicks(Process.GetCurrentProcess()), Environment.MachineName);

    internal static string Describe(int processId, long startTicks, string machine) =>
        string.Create(CultureInfo.InvariantCulture, $"{processId}@{startTicks}@{machine}");

    /// <summary>True when <paramref name="holder"/> is a process of this machine that no longer runs.</summary>
    public static bool IsGone(string holder)
    {
        var parts = holder.Split('@', 3);
        if (parts.Length != 3
            || !string.Equals(parts[2], Environment.MachineName, StringComparison.Ordinal)
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var processId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks))
        {
            return false; // another machine's (or unreadable): its claim runs out on its own
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return StartTicks(process) != startTicks; // the id was reused by a later process
        }
        catch (ArgumentException)
        {
            return true; // no process with that id
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // cannot tell: let the claim run out
        }
    }

    private static long StartTicks(Process process) => process.StartTime.ToUniversalTime().Ticks;
}
