using GroupGuard.Core.Rules;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Rules;

/// <summary>
/// Watches the rules folder and reloads it when a file changes: every second it compares the
/// names, sizes and times of the files (cheap, and it works on every file system, unlike change
/// notifications), those of a link's target for a link. A bad edit leaves the last good rule set in force, and says why. The folder is
/// the one <c>GroupGuard:Rules:Path</c> names now: pointed elsewhere by a reload of the settings,
/// the other folder is a change like any other, and is loaded.
/// </summary>
internal sealed partial class RuleReloader(
    IRuleSetLoader loader,
    IRuleSetProvider provider,
    IOptionsMonitor<RulesOptions> options,
    TimeProvider time,
    ILogger<RuleReloader> logger,
    Telemetry.GroupGuardMetrics? metrics = null) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How long the folder must stay as it is after a change before it is loaded.</summary>
    internal static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a change waits for the folder to stay as it is: one that never does is loaded then, as it is.</summary>
    internal static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);

    // The last failure to take the fingerprint, logged once rather than every second.
    private string? _watchFailure;

    // The folder as the start left it, which the first tick compares with.
    private string? _started;

    /// <summary>
    /// Takes the folder's fingerprint as part of the start, right after the rules were loaded
    /// (<see cref="RuleSetStartup"/> starts first): since .NET 10 all of <see cref="ExecuteAsync"/>
    /// runs later on the thread pool, and a fingerprint taken there could already include an edit
    /// made once the service was up, which would then never be loaded.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _started = Watch();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seen = _started ?? Watch();
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = Watch();
                    if (now == seen)
                    {
                        continue;
                    }

                    // Let a writer finish before reading: a list written in pieces (a program, a
                    // copy over a slow link) loaded halfway would put a half-word in force. The
                    // folder is loaded once it has stayed as it is for Settle, or after MaxSettle
                    // whatever it holds then, so that one that never stops changing is loaded still.
                    for (var waited = Settle; ; waited += Settle)
                    {
                        await Task.Delay(Settle, time, stoppingToken);
                        var settled = Watch();
                        if (settled == now || waited >= MaxSettle)
                        {
                            seen = settled;
                            break;
                        }

                        now = settled;
                    }

                    var ok = loader.Reload();
                    metrics?.Reload(ok);
                    if (ok)
                    {
                        LogReload(provider.Current.Summary);
                    }
                    else
                    {
                        LogNotReloaded(provider.Current.Summary);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Whatever failed, the watch goes on: the set in force stays, and the next tick tries again.
                    LogTickFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// The folder's fingerprint, or why it cannot be taken (as a fingerprint too, so that a
    /// change in either is a change); resolved each time, as the provider resolves it.
    /// </summary>
    private string Watch()
    {
        try
        {
            var fingerprint = Fingerprint(options.CurrentValue.ResolvePath());
            _watchFailure = null;
            return fingerprint;
        }
        catch (Exception ex)
        {
            var failure = $"{ex.GetType().Name}: {ex.Message}";
            if (failure != _watchFailure)
            {
                _watchFailure = failure;
                LogWatchFailed(ex);
            }

            return "failed:" + failure;
        }
    }

    /// <summary>Names, sizes and write times of every file under the folder, as one string.</summary>
    internal static string Fingerprint(string folder)
    {
        try
        {
            var files = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
                .OrderBy(f => f.FullName, StringComparer.Ordinal)
                .Select(Describe);
            return string.Join('\n', files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unreadable:" + ex.Message;
        }
    }

    /// <summary>
    /// A file's name, size and write time. A link's own size and time never change when the file
    /// it leads to is edited (a pack linked from elsewhere, a Kubernetes ConfigMap's files), so for
    /// a link they are those of the file at the end of it, with that file's path (a link pointed at
    /// another file is a change too). A link that leads nowhere is a change as well; loading then
    /// reports the file it names, as it does a missing one.
    /// </summary>
    private static string Describe(FileInfo file)
    {
        if (!file.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        }

        try
        {
            return File.ResolveLinkTarget(file.FullName, returnFinalTarget: true) switch
            {
                FileInfo { Exists: true } target => $"{file.FullName}>{target.FullName}|{target.Length}|{target.LastWriteTimeUtc.Ticks}",
                { } nowhere => $"{file.FullName}>{nowhere.FullName}|missing",
                null => $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}",
            };
        }
        catch (IOException ex)
        {
            // Links in a loop, or one removed as it was read: the next tick looks again.
            return $"{file.FullName}>unresolved:{ex.Message}";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules changed on disk: reloaded ({Summary})")]
    private partial void LogReload(string summary);

    // A warning, so that a log read at warnings and above (journald's -p warning) says the edit did not take.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Rules changed on disk: NOT reloaded; the last good rule set stays in force ({Summary})")]
    private partial void LogNotReloaded(string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rules: cannot watch the rules folder; watching goes on")]
    private partial void LogWatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rules: checking the rules folder for changes failed; the last good rule set stays in force")]
    private partial void LogTickFailed(Exception exception);
}
