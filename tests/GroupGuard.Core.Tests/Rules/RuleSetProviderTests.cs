using GroupGuard.Core.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>Whatever goes wrong while loading, the service keeps its rules and keeps running.</summary>
public sealed class RuleSetProviderTests
{
    // A path no file system takes: resolving it throws ArgumentException, which no file read expects.
    private const string Unresolvable = "rules\0bad";

    private static TempFolder Folder()
    {
        var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n");
        return dir;
    }

    [Fact]
    public void An_unexpected_failure_while_loading_is_a_failed_reload_and_the_last_good_set_stays()
    {
        using var dir = Folder();
        var options = new RulesOptions { Path = dir.Path };
        var log = new LogCollector<RuleSetProvider>();
        var provider = new RuleSetProvider(Options.Create(options), TimeProvider.System, log);
        Assert.True(provider.Reload());
        var good = provider.Current;

        options.Path = Unresolvable;
        var reloaded = provider.Reload();

        Assert.False(reloaded);
        Assert.Same(good, provider.Current);
        Assert.False(provider.Status.Healthy);
        Assert.Contains("unexpected error while loading the rules: ArgumentException", Assert.Single(provider.Status.Errors), StringComparison.Ordinal);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Exception is ArgumentException);
    }
}
