using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Watches the rules folder and reloads it when a file changes: every second it compares the
/// names, sizes and times of the files (cheap, and it works on every file system, unlike change
/// notifications). A bad edit leaves the last good rule set in force, and says why.
/// </summary>
internal sealed partial class RuleReloader(
    RuleSetProvider provider,
    IOptions<RulesOptions> options,
    TimeProvider time,
    ILogger<RuleReloader> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = options.Value.ResolvePath();
        var seen = Fingerprint(folder);
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Fingerprint(folder);
                if (now == seen)
                {
                    continue;
                }

                // Let an editor finish writing before reading.
                await Task.Delay(Settle, time, stoppingToken);
                seen = Fingerprint(folder);
                var ok = provider.Reload();
                LogReload(ok ? "reloaded" : "NOT reloaded; the last good rule set stays in force", provider.Current.Summary);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Names, sizes and write times of every file under the folder, as one string.</summary>
    internal static string Fingerprint(string folder)
    {
        try
        {
            var files = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
                .OrderBy(f => f.FullName, StringComparer.Ordinal)
                .Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}");
            return string.Join('\n', files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable:" + ex.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules changed on disk: {Outcome} ({Summary})")]
    private partial void LogReload(string outcome, string summary);
}
