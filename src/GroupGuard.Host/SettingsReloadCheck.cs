using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host;

/// <summary>
/// When the settings reload (appsettings.json edited while the service runs), says which entries of
/// lists and dictionaries the binder now leaves out for a value of the wrong kind
/// (<see cref="GroupGuardApp.UnboundEntries"/>): at start such a mistake stops the service, but a
/// reload cannot, and the entry would be ignored without a word until it is mended.
/// </summary>
internal sealed partial class SettingsReloadCheck(IConfiguration configuration, ILogger<SettingsReloadCheck> logger) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Check());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Logs each entry the reloaded settings leave out; returns how many.</summary>
    internal int Check()
    {
        var unbound = GroupGuardApp.UnboundEntries(configuration);
        foreach (var problem in unbound)
        {
            LogUnbound(problem);
        }

        return unbound.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Settings reloaded with a mistake, the entry ignored until it is mended: {Problem}")]
    private partial void LogUnbound(string problem);
}
