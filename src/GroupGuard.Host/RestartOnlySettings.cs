namespace GroupGuard.Host;

/// <summary>
/// The settings the service reads once, at start (its README row says "needs a restart"): changed
/// while it runs (appsettings.json edited), one takes effect only at the next start, which nothing
/// else would say. When a reload brings a value of one of them other than the one the service
/// started with, a warning names its key, once for each new value.
/// </summary>
internal sealed partial class RestartOnlySettings(IConfiguration configuration, ILogger<RestartOnlySettings> logger)
    : SettingsReloadWatcher<Dictionary<string, string>>(configuration)
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

    private Dictionary<string, string> _started = [];

    protected override void Started(Dictionary<string, string> reading) => _started = reading;

    /// <summary>Compares the settings now with those at start; warns of each that has a new value since the last look.</summary>
    protected override void Compare(Dictionary<string, string> seen, Dictionary<string, string> now)
    {
        foreach (var key in Keys)
        {
            // Once for each new value: another edit of the file says nothing more of it, and
            // putting back the value the service runs with says nothing at all.
            if (now[key] != seen[key] && now[key] != _started[key])
            {
                LogNeedsRestart(key);
            }
        }
    }

    protected override Dictionary<string, string> Read() => Keys.ToDictionary(key => key, key => Value(Configuration.GetSection(key)), StringComparer.Ordinal);

    /// <summary>A setting's value, or every value under a section (keys in any case, as the configuration takes them), as one string.</summary>
    private static string Value(IConfigurationSection section) =>
        string.Join('\n', section.AsEnumerable() // with its own value: relative paths would leave that out
            .Where(entry => entry.Value is not null)
            .Select(entry => entry.Key.ToUpperInvariant() + "=" + entry.Value)
            .Order(StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settings reloaded: {Key} changed, but it is read only at start; the service goes on with the value it started with until it is restarted")]
    private partial void LogNeedsRestart(string key);
}
