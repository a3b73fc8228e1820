using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host;

/// <summary>
/// The settings the service reads once, at start (its README row says "needs a restart"): changed
/// while it runs (appsettings.json edited), one takes effect only at the next start, which nothing
/// else would say. When a reload brings a value of one of them other than the one the service
/// started with, a warning names its key, once for each new value.
/// </summary>
internal sealed partial class RestartOnlySettings(IConfiguration configuration, ILogger<RestartOnlySettings> logger) : IHostedService, IDisposable
{
    /// <summary>The keys, each a setting or a section whose every entry is one (a list of connections).</summary>
    internal static readonly string[] Keys =
    [
        "GroupGuard:Storage:Provider",
        "GroupGuard:Storage:ConnectionString",
        "GroupGuard:Storage:DataFolder",
        HostServiceCollectionExtensions.InstanceIdKey,
        "GroupGuard:OneBot:Connections",
        "GroupGuard:Milky:Connections",
        "GroupGuard:Pipeline:QueueCapacity",
        "GroupGuard:Pipeline:BacklogBytes",
        "GroupGuard:Pipeline:DedupeCapacity",
        "GroupGuard:Pipeline:InboxPath",
        "GroupGuard:Pipeline:NoBridgeWarningMinutes",
        "GroupGuard:Images:QueueCapacity",
        "GroupGuard:Images:Workers",
        "GroupGuard:Console:SessionMinutes",
        "GroupGuard:Console:KeysPath",
        "GroupGuard:Telemetry:Prometheus",
        "GroupGuard:Telemetry:OtlpEndpoint",
        "Logging:Console:FormatterName",
        ConnectionLimits.ConnectionsKey,
        ConnectionLimits.UpgradedKey,
    ];

    private readonly Lock _lock = new();
    private IDisposable? _subscription;
    private Dictionary<string, string> _started = [];
    private Dictionary<string, string> _seen = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _started = Read();
            _seen = _started;
        }

        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Compares the settings now with those at start; warns of each that has a new value since the last look.</summary>
    internal void Check()
    {
        lock (_lock)
        {
            var now = Read();
            foreach (var key in Keys)
            {
                // Once for each new value: another edit of the file says nothing more of it, and
                // putting back the value the service runs with says nothing at all.
                if (now[key] != _seen[key] && now[key] != _started[key])
                {
                    LogNeedsRestart(key);
                }
            }

            _seen = now;
        }
    }

    private Dictionary<string, string> Read() => Keys.ToDictionary(key => key, key => Value(configuration.GetSection(key)), StringComparer.Ordinal);

    /// <summary>A setting's value, or every value under a section (keys in any case, as the configuration takes them), as one string.</summary>
    private static string Value(IConfigurationSection section) =>
        string.Join('\n', section.AsEnumerable() // with its own value: relative paths would leave that out
            .Where(entry => entry.Value is not null)
            .Select(entry => entry.Key.ToUpperInvariant() + "=" + entry.Value)
            .Order(StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settings reloaded: {Key} changed, but it is read only at start; the service goes on with the value it started with until it is restarted")]
    private partial void LogNeedsRestart(string key);
}
