using GroupGuard.Core.Rules;
using GroupGuard.Host.Rules;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests.Rules;

/// <summary>The service's start and its watch of the rules folder survive whatever loading throws.</summary>
public sealed class RuleLoadingTests
{
    // A path no file system takes: resolving it throws ArgumentException, which no file read expects.
    private const string Unresolvable = "rules\0bad";

    // A safety net so that a broken test fails rather than hangs; nothing is measured with it.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private static TempFolder Folder()
    {
        var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n");
        return dir;
    }

    [Fact]
    public async Task An_unexpected_failure_at_start_is_a_rule_set_load_exception_saying_what_failed()
    {
        using var dir = Folder();
        var options = new RulesOptions { Path = dir.Path };
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(options), TimeProvider.System, new LogCollector<RuleSetProvider>());
        options.Path = Unresolvable;

        var startup = new RuleSetStartup(provider, provider);

        var ex = await Assert.ThrowsAsync<RuleSetLoadException>(() => startup.StartAsync(CancellationToken.None));
        Assert.Contains("unexpected error while loading the rules: ArgumentException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_that_fails_unexpectedly_goes_on_and_loads_the_rules_once_it_can()
    {
        using var dir = Folder();
        var options = new RulesOptions { Path = dir.Path };
        var providerLog = new LogCollector<RuleSetProvider>();
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(options), TimeProvider.System, providerLog);
        var watchLog = new LogCollector<RuleReloader>();
        using var reloader = new RuleReloader(provider, provider, new SettableOptions<RulesOptions>(options), TimeProvider.System, watchLog);
        options.Path = Unresolvable;

        await reloader.StartAsync(CancellationToken.None);
        var failure = await watchLog.WaitFor(e => e.Level == LogLevel.Error).WaitAsync(Patience);
        options.Path = dir.Path;
        await providerLog.WaitFor(e => e.Message.StartsWith("Rules loaded", StringComparison.Ordinal)).WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.IsType<ArgumentException>(failure.Exception);
        Assert.Equal(["p.a"], provider.Current.Rules.Select(r => r.Id));
        Assert.True(reloader.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task An_edit_made_once_the_start_is_over_is_loaded_however_late_the_watch_gets_a_thread()
    {
        using var dir = Folder();
        var options = new RulesOptions { Path = dir.Path };
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(options), TimeProvider.System, new LogCollector<RuleSetProvider>());
        Assert.True(provider.Reload());
        var watchLog = new LogCollector<RuleReloader>();
        using var reloader = new RuleReloader(provider, provider, new SettableOptions<RulesOptions>(options), TimeProvider.System, watchLog);

        // A loaded machine, made certain: every thread the pool has, and the ones it adds, wait for
        // the gate until the edit is made, so the watch's ExecuteAsync (which .NET 10 runs on the
        // pool) can start only after it.
        var gate = new Lock();
        Task started;
        lock (gate)
        {
            for (var i = 0; i < 200; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(
                    static held =>
                    {
                        held.Enter();
                        held.Exit();
                    },
                    gate,
                    preferLocal: false);
            }

            started = reloader.StartAsync(CancellationToken.None);
            dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.b\n    terms: [加微信, 私聊领取]\n");
        }

        await started;
        var reload = await watchLog.WaitFor(e => e.Message.StartsWith("Rules changed on disk", StringComparison.Ordinal), "the watch to load the edit").WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        Assert.Equal(["p.b"], provider.Current.Rules.Select(r => r.Id));
    }
}
