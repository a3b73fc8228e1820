using GroupGuard.Core.Rules;
using GroupGuard.Host.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

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

        var startup = new RuleSetStartup(provider, provider, new LogCollector<RuleSetStartup>());

        var ex = await Assert.ThrowsAsync<RuleSetLoadException>(() => startup.StartAsync(CancellationToken.None));
        Assert.Contains("unexpected error while loading the rules: ArgumentException", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_on_a_copy_of_the_shipped_packs_that_fell_behind_says_which_files_differ_once()
    {
        // The operator's folder as an upgrade leaves it: the packs copied at install, one edited
        // (or of the older version), one the new version added not there.
        using var dir = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(ShippedRules.Folder))
        {
            File.Copy(file, Path.Combine(dir.Path, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(dir.Path, "fraud.yaml"), "# an operator's note\n");
        File.Delete(Path.Combine(dir.Path, "promo.yaml"));
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.Path }), TimeProvider.System, new LogCollector<RuleSetProvider>());
        var log = new LogCollector<RuleSetStartup>();

        await new RuleSetStartup(provider, provider, log).StartAsync(CancellationToken.None);

        var said = Assert.Single(log.Entries, e => e.Message.Contains("differs from the packs shipped", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, said.Level);
        Assert.Contains("changed there: fraud.yaml; not there: promo.yaml", said.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, said.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_on_a_folder_of_the_operator_s_own_packs_says_nothing_of_the_shipped_ones()
    {
        using var dir = Folder();
        var provider = new RuleSetProvider(new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.Path }), TimeProvider.System, new LogCollector<RuleSetProvider>());
        var log = new LogCollector<RuleSetStartup>();

        await new RuleSetStartup(provider, provider, log).StartAsync(CancellationToken.None);

        Assert.Empty(log.Entries);
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

    private const string LinkedPack = "pack: p\nrules:\n  - id: p.a\n    terms: [加微信]\n";

    /// <summary>rules/p.yaml a link to elsewhere/p.yaml (a pack kept with other settings, a ConfigMap's file), loaded.</summary>
    private static (string Target, RuleSetProvider Provider, SettableOptions<RulesOptions> Options) Linked(TempFolder dir)
    {
        var target = dir.Write(Path.Combine("elsewhere", "p.yaml"), LinkedPack);
        File.CreateSymbolicLink(Path.Combine(dir.Folder("rules"), "p.yaml"), target);
        var options = new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.File("rules") });
        var provider = new RuleSetProvider(options, TimeProvider.System, new LogCollector<RuleSetProvider>());
        Assert.True(provider.Reload());
        return (target, provider, options);
    }

    private static bool IsReload(LogEntry entry) => entry.Message.StartsWith("Rules changed on disk", StringComparison.Ordinal);

    [Fact]
    public async Task An_edit_of_the_file_a_linked_pack_leads_to_is_loaded()
    {
        using var dir = new TempFolder();
        var (target, provider, options) = Linked(dir);
        using var watch = await Watch.StartAsync(provider, options);
        var (time, clock, watchLog, reloader) = watch;

        File.WriteAllText(target, LinkedPack.Replace("[加微信]", "[加微信, 私聊领取]", StringComparison.Ordinal));
        time.Advance(RuleReloader.Interval);

        // The watch sees the change and lets it settle (before, the link's own size and time were all
        // it looked at: they never change, and the edit was never loaded).
        await clock.TimerAsync(2, Patience);
        time.Advance(RuleReloader.Settle);
        var reload = await watchLog.WaitFor(IsReload, "the watch to load the edit").WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        Assert.Equal(["加微信", "私聊领取"], TermsInForce(provider));
    }

    [Fact]
    public async Task A_linked_pack_that_leads_nowhere_is_a_load_error_naming_it_and_the_watch_goes_on()
    {
        using var dir = new TempFolder();
        var (target, provider, options) = Linked(dir);
        using var watch = await Watch.StartAsync(provider, options);
        var (time, clock, watchLog, reloader) = watch;

        File.Delete(target);
        time.Advance(RuleReloader.Interval);
        await clock.TimerAsync(2, Patience);
        time.Advance(RuleReloader.Settle);
        var refused = await watchLog.WaitFor(IsReload, "the watch to try the dangling link").WaitAsync(Patience);
        var errors = provider.Status.Errors;
        var inForce = TermsInForce(provider);

        // Put back: loaded at the next tick, the watch having gone on.
        File.WriteAllText(target, LinkedPack.Replace("[加微信]", "[私聊领取]", StringComparison.Ordinal));
        time.Advance(RuleReloader.Interval);
        await clock.TimerAsync(3, Patience);
        time.Advance(RuleReloader.Settle);
        var mended = await watchLog.Recording.WaitUntilAsync(e => e.Count(IsReload) == 2, "the watch to load the mended pack").WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.StartsWith("Rules changed on disk: NOT reloaded", refused.Message, StringComparison.Ordinal);
        Assert.Contains(errors, e => e.Contains("p.yaml", StringComparison.Ordinal) && e.Contains("cannot read", StringComparison.Ordinal));
        Assert.Equal(["加微信"], inForce); // the last good set stayed in force
        Assert.StartsWith("Rules changed on disk: reloaded", mended.Where(IsReload).Last().Message, StringComparison.Ordinal);
        Assert.Equal(["私聊领取"], TermsInForce(provider));
        Assert.True(reloader.ExecuteTask!.IsCompletedSuccessfully);
    }

    private const string ListPack = "pack: p\nrules:\n  - id: p.list\n    terms_file: list.txt\n";

    /// <summary>A pack of one terms file in <paramref name="dir"/>, loaded.</summary>
    private static (RuleSetProvider Provider, SettableOptions<RulesOptions> Options) ListPackIn(TempFolder dir)
    {
        dir.Write("p.yaml", ListPack);
        var options = new SettableOptions<RulesOptions>(new RulesOptions { Path = dir.Path });
        var provider = new RuleSetProvider(options, TimeProvider.System, new LogCollector<RuleSetProvider>());
        Assert.True(provider.Reload());
        return (provider, options);
    }

    /// <summary>The folder watch of a loaded rule set on a fake clock, started and past its first tick.</summary>
    private sealed record Watch(FakeTimeProvider Time, WatchedClock Clock, LogCollector<RuleReloader> Log, RuleReloader Reloader) : IDisposable
    {
        public static async Task<Watch> StartAsync(RuleSetProvider provider, SettableOptions<RulesOptions> options)
        {
            var time = new FakeTimeProvider();
            var clock = new WatchedClock(time);
            var log = new LogCollector<RuleReloader>();
            var reloader = new RuleReloader(provider, provider, options, clock, log);
            await reloader.StartAsync(CancellationToken.None);
            await clock.TimerAsync(1, Patience); // the watch's tick
            return new Watch(time, clock, log, reloader);
        }

        public void Dispose() => Reloader.Dispose();
    }

    private static IReadOnlyList<string> TermsInForce(RuleSetProvider provider) => [.. provider.Current.Rules.SelectMany(r => r.Terms).Select(t => t.Text)];

    [Fact]
    public async Task A_terms_file_still_being_written_is_put_in_force_only_once_it_stays_as_it_is()
    {
        using var dir = new TempFolder();
        var list = dir.Write("list.txt", "加微信\n");
        var (provider, options) = ListPackIn(dir);
        using var watch = await Watch.StartAsync(provider, options);
        var (time, clock, watchLog, reloader) = watch;
        var reloaded = watchLog.WaitFor(IsReload, "the watch to load the list");

        // A writer that pauses between pieces (a program writing in chunks, a copy over a slow link).
        await using (var writer = new StreamWriter(new FileStream(list, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)))
        {
            await writer.WriteAsync("加微信\n私聊领取\n");
            await writer.FlushAsync();
            time.Advance(RuleReloader.Interval);
            await clock.TimerAsync(2, Patience); // the watch saw the change and lets it settle

            await writer.WriteAsync("刷单");
            await writer.FlushAsync();
            time.Advance(RuleReloader.Settle);

            // Changed while it settled: the watch waits again (before, it loaded the list as it was
            // then, and the half-word 刷单 was a term in force until the next tick).
            await Task.WhenAny(clock.TimerAsync(3, Patience), reloaded);
            Assert.Equal(["加微信"], TermsInForce(provider));
            await writer.WriteAsync("返利\n");
        }

        time.Advance(RuleReloader.Settle);
        await clock.TimerAsync(4, Patience); // changed again: another wait
        time.Advance(RuleReloader.Settle);
        var reload = await reloaded.WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        Assert.Equal(["加微信", "私聊领取", "刷单返利"], TermsInForce(provider));
        Assert.Single(watchLog.Entries, IsReload); // loaded once, whole
    }

    [Fact]
    public async Task A_folder_that_never_stops_changing_is_loaded_once_the_longest_wait_is_over()
    {
        using var dir = new TempFolder();
        var list = dir.Write("list.txt", "加微信\n");
        var (provider, options) = ListPackIn(dir);
        using var watch = await Watch.StartAsync(provider, options);
        var (time, clock, watchLog, reloader) = watch;
        var reloaded = watchLog.WaitFor(IsReload, "the watch to load the list");

        // A line added at every look (something writing a log into the rules folder).
        File.AppendAllText(list, "私聊领取\n");
        time.Advance(RuleReloader.Interval);
        var waits = (int)(RuleReloader.MaxSettle / RuleReloader.Settle);
        for (var i = 0; i < waits; i++)
        {
            await clock.TimerAsync(2 + i, Patience);
            Assert.False(reloaded.IsCompleted);
            File.AppendAllText(list, $"第{i}行\n");
            time.Advance(RuleReloader.Settle);
        }

        var reload = await reloaded.WaitAsync(Patience);
        await reloader.StopAsync(CancellationToken.None);

        Assert.StartsWith("Rules changed on disk: reloaded", reload.Message, StringComparison.Ordinal);
        Assert.Contains("私聊领取", TermsInForce(provider));
    }
}
