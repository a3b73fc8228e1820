using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host;

/// <summary>
/// Reads something of the settings at start and again at every reload of the configuration
/// (appsettings.json edited while the service runs), and hands each reading with the one before
/// it to <see cref="Compare"/>, which says what changed: <see cref="RestartOnlySettings"/>,
/// <see cref="UnknownSectionsOnReload"/>.
/// </summary>
internal abstract class SettingsReloadWatcher<TReading>(IConfiguration configuration) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private IDisposable? _subscription;
    private TReading _seen = default!;

    protected IConfiguration Configuration => configuration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _seen = Read();
            Started(_seen);
        }

        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Reads the settings again and compares them with the last reading.</summary>
    internal void Check()
    {
        lock (_lock)
        {
            var now = Read();
            Compare(_seen, now);
            _seen = now;
        }
    }

    /// <summary>What is watched, as the settings hold it now.</summary>
    protected abstract TReading Read();

    /// <summary>The reading at start, for a watcher that keeps it.</summary>
    protected virtual void Started(TReading reading)
    {
    }

    /// <summary>Says what changed between the last reading and this one.</summary>
    protected abstract void Compare(TReading seen, TReading now);
}
