using Microsoft.Extensions.Primitives;

namespace GroupGuard.Host;

/// <summary>
/// A section no setting is read from (<c>GroupGuard:Leader</c> for <c>GroupGuard:Leaders</c>, a
/// misspelt <c>GroupGuard:OneBott</c>) stops the start, naming it (<see cref="GroupGuardApp.UnboundEntries"/>);
/// added while the service runs (appsettings.json edited), it was ignored without a word, and the
/// next start then refused what had seemed to work. At each reload, a warning names each such
/// section, and the one it was probably meant as, once for as long as it stays. Nothing else
/// changes: the section is read by nothing, as before, and the service goes on with the settings
/// it has. (A key that is no setting inside a section is its kind's own check, which keeps the last
/// good settings of that kind on a reload: <see cref="LastGoodOptionsFactory{TOptions}"/>.)
/// </summary>
internal sealed partial class UnknownSectionsOnReload(IConfiguration configuration, ILogger<UnknownSectionsOnReload> logger) : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private IDisposable? _subscription;
    private HashSet<string> _seen = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _seen = Read();
        }

        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Check);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Warns of each unknown section that was not there at the last look.</summary>
    internal void Check()
    {
        lock (_lock)
        {
            var now = Read();
            foreach (var failure in now.Where(f => !_seen.Contains(f)))
            {
                LogUnknown(failure);
            }

            _seen = now;
        }
    }

    private HashSet<string> Read()
    {
        var failures = new List<string>();
        GroupGuardApp.UnknownSections(configuration, failures);
        return new HashSet<string>(failures, StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settings reloaded: {Failure}. The service goes on with the settings it has, and the next start would refuse it: mend it before a restart")]
    private partial void LogUnknown(string failure);
}
