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
internal sealed partial class UnknownSectionsOnReload(IConfiguration configuration, ILogger<UnknownSectionsOnReload> logger)
    : SettingsReloadWatcher<HashSet<string>>(configuration)
{
    /// <summary>Warns of each unknown section that was not there at the last look.</summary>
    protected override void Compare(HashSet<string> seen, HashSet<string> now)
    {
        foreach (var failure in now.Where(f => !seen.Contains(f)))
        {
            LogUnknown(failure);
        }
    }

    protected override HashSet<string> Read()
    {
        var failures = new List<string>();
        GroupGuardApp.UnknownSections(Configuration, failures);
        return new HashSet<string>(failures, StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settings reloaded: {Failure}. The service goes on with the settings it has, and the next start would refuse it: mend it before a restart")]
    private partial void LogUnknown(string failure);
}
