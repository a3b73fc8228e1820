using GroupGuard.Channels;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Digests;

/// <summary>
/// What a first start did not say: where digests and alerts go (on defaults, Markdown files in a
/// folder the operator had to find in the README) and that the console answers 404 until an
/// account exists. Once the service has started, a line names each leader and alert rule with its
/// channels (a file channel by its full folder, the others by name and type, never an address,
/// which may hold a robot's key), saying so where they are the defaults; and, while the console is
/// on but has no account, a line saying how to add one.
/// </summary>
internal sealed partial class DeliverySummary(
    IConfiguration configuration,
    IOptionsMonitor<DigestChannelsOptions> channels,
    IOptionsMonitor<List<AlertRuleOptions>> alerts,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<DeliverySummary> logger) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStarted.Register(() => _ = LogAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration.Dispose();

    private async Task LogAsync(CancellationToken stopping)
    {
        try
        {
            await LogNowAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopped before the console's accounts were looked at: nothing to say
        }
    }

    private async Task LogNowAsync(CancellationToken stopping)
    {
        LogDeliveries(Describe(DigestRegistration.ReadLeaders(configuration), alerts.CurrentValue, channels.CurrentValue));
        if (await WebConsole.ConsoleRegistration.StateAsync(services, stopping) == "off"
            && services.GetRequiredService<IOptionsMonitor<WebConsole.ConsoleOptions>>().CurrentValue.Enabled)
        {
            LogNoConsoleAccount();
        }
    }

    /// <summary>The line's words: each leader and alert rule by name, with its channels, and whether they are the defaults.</summary>
    internal static string Describe(IReadOnlyList<LeaderOptions> leaders, IReadOnlyList<AlertRuleOptions> rules, DigestChannelsOptions channels)
    {
        string To(IEnumerable<string> names) => string.Join(", ", names.Select(name =>
            !channels.Channels.TryGetValue(name, out var channel) ? name
            : channel is FileChannelOptions { Path: { } path } ? $"file {Path.GetFullPath(path)}"
            : $"{name} ({channel.Type})"));

        var defaultLeader = leaders is [{ Name: "default", Channels: [DigestRegistration.DefaultChannel] }];
        var digests = leaders.Count == 0
            ? "none (GroupGuard:Leaders names no leader)"
            : string.Join("; ", leaders.Select(l => $"{l.Name} ({l.Schedule} {l.TimeZone}) to {To(l.Channels)}"));
        var defaultAlert = rules is [{ Name: "default", Channels: [DigestRegistration.DefaultAlertChannel] }];
        var alerting = rules.Count == 0
            ? "none (GroupGuard:Alerts names no rule)"
            : string.Join("; ", rules.Select(r => $"{r.Name} ({r.MinSeverity} and above) to {To(r.Channels)}"));
        return $"Digests: {digests}{(defaultLeader ? ", the default while GroupGuard:Leaders names no leader" : "")}. " +
            $"Alerts: {alerting}{(defaultAlert ? ", the default while GroupGuard:Leaders and GroupGuard:Alerts name none" : "")}." +
            (defaultLeader || defaultAlert ? " To send them to people (WeCom, DingTalk, Feishu, email, QQ), configure leaders, channels and alerts: README, Digests and Immediate alerts" : "");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Deliveries}")]
    private partial void LogDeliveries(string deliveries);

    [LoggerMessage(Level = LogLevel.Information, Message = "The console (/console) answers 404 until an account exists: add one with the command 'users add <name> --role admin' (README, The console), typed in the folder the service runs in, so that it uses the same settings and database")]
    private partial void LogNoConsoleAccount();
}
