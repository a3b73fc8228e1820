using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupGuard.Host.Tests;

/// <summary>What the service does at start with what an earlier run left in its inbox journal.</summary>
public sealed class JournalReplayTests
{
    /// <summary>
    /// Lines an older build wrote (without Forwards, Images, Cards or Mentions) are moderated as
    /// any message: each advert among them is an incident, none fails, and the service goes on.
    /// Read back with null collections, every one of them was passed unmoderated, and the one
    /// without Images stopped the host, at every start.
    /// </summary>
    [Fact]
    public async Task Lines_an_older_build_left_are_moderated_at_start_and_the_service_goes_on()
    {
        using var inbox = new TempFolder();
        Seed(inbox.Path, "older-builds.jsonl", segment: 1);
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Pipeline:InboxPath"] = inbox.Path });
        _ = service.CreateClient(); // starts it

        var incidents = await service.IncidentsAfterAsync(8);
        var answer = await service.PostV11Async(GroupGuardFactory.GroupEvent(9001, "加微信"));
        await service.HandledAsync("9001");

        Assert.Equal(["7001", "7003", "7004", "7006", "7007", "7008"], incidents.Select(i => i.MessageId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(0, service.Services.GetRequiredService<PipelineStats>().FailedCount);
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains("failed unexpectedly", StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
        // Said in the order it happens: the replay, then moderation catching up with it.
        var said = service.Logs.Entries.Select(e => e.Message).ToList();
        var replaying = said.FindIndex(m => m.StartsWith("Replaying ", StringComparison.Ordinal));
        var caughtUp = said.FindIndex(m => m.Contains("caught up with the inbox journal", StringComparison.Ordinal));
        Assert.True(replaying >= 0 && caughtUp > replaying, string.Join(" | ", said));
    }

    /// <summary>
    /// Lines that cannot be read (damaged, or cut off by a crash) are skipped and said at start, by
    /// segment; the readable ones around them are moderated and the service runs.
    /// </summary>
    [Fact]
    public async Task Damaged_lines_left_in_the_journal_are_skipped_and_said_at_start()
    {
        using var inbox = new TempFolder();
        Seed(inbox.Path, "damaged.jsonl", segment: 1);
        Seed(inbox.Path, "older-builds.jsonl", segment: 2);
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Pipeline:InboxPath"] = inbox.Path });
        _ = service.CreateClient(); // starts it

        var incidents = await service.IncidentsAfterAsync(10);

        Assert.Equal(["7101", "7107", "7001", "7002", "7003", "7004", "7005", "7006", "7007", "7008"], service.Handled.Items.Select(m => m.MessageId));
        Assert.Contains(incidents, i => i.MessageId == "7107");
        var warning = Assert.Single(service.Logs.Entries, e => e.Category == typeof(InboxJournal).FullName && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(InboxJournal.SegmentPath(inbox.Path, 1), warning.Message, StringComparison.Ordinal);
        Assert.Equal(5, warning.Values["Lines"]);
    }

    /// <summary>
    /// The journal is opened (and what it holds replayed) before any receiver starts, and closed
    /// after the last has stopped: the OneBot forward sockets, the Milky streams and the WeCom puller
    /// were registered, and so started, ahead of it, and a socket's event the unopened journal
    /// refused was lost. The host starts hosted services in this order and stops them in reverse.
    /// </summary>
    [Fact]
    public void The_journal_opens_before_any_receiver_starts_and_closes_after_they_stop()
    {
        using var service = new GroupGuardFactory();

        var order = service.Services.GetServices<IHostedService>().Select(h => h.GetType().Name).ToList();

        var inbox = order.IndexOf(nameof(InboxStartup));
        Assert.True(inbox >= 0, string.Join(", ", order));
        Assert.Equal(order.IndexOf(nameof(StorageStartup)) + 1, inbox); // the schema first: a database that cannot be opened is named as such
        Assert.All(["ForwardSocketService", "MilkyEventStreams", "ArchivePuller", nameof(ModerationWorker)], receiver =>
            Assert.True(order.IndexOf(receiver) > inbox, $"{receiver} after {nameof(InboxStartup)} in {string.Join(", ", order)}"));
    }

    /// <summary>
    /// Events a receiver hands over while the journal is still replaying (one that started ahead of
    /// it) are all taken, journaled and moderated once, after what the journal held; before, each was
    /// refused (the journal was not open) and, over a socket, lost.
    /// </summary>
    [Fact]
    public async Task Events_pushed_while_the_journal_replays_are_all_moderated_once_after_it()
    {
        using var inbox = new TempFolder();
        var options = Microsoft.Extensions.Options.Options.Create(new PipelineOptions { InboxPath = inbox.Path });
        using (var crashed = new InboxJournal(options, TimeProvider.System))
        {
            crashed.Open();
            foreach (var id in Enumerable.Range(1, 200))
            {
                crashed.Append(Messages.Group("今天几点放学", id: "r" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var pushed = Enumerable.Range(1, 20).Select(id => Messages.Group(id % 2 == 0 ? "加微信" : "收到", id: "p" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        EarlyReceiver? receiver = null;
        using var service = new GroupGuardFactory(
            new Dictionary<string, string?> { ["GroupGuard:Pipeline:InboxPath"] = inbox.Path },
            services: services => services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(provider =>
                receiver = new EarlyReceiver(provider.GetRequiredService<Core.IEventSink>(), provider.GetRequiredService<EventIntake>(), pushed))));
        _ = service.CreateClient(); // starts it

        var outcomes = await receiver!.Outcomes.Within("the receiver's events to be taken");
        Assert.All(outcomes, outcome => Assert.Equal(Core.EventAcceptance.Accepted, outcome));
        await service.Handled.WaitForCountAsync(220, "the worker to finish the replayed and the pushed messages");

        Assert.True(receiver.WaitedForTheJournal, "the first event came before the journal was open");
        Assert.Equal(
            Enumerable.Range(1, 200).Select(id => "r" + id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(pushed.Select(m => m.MessageId)),
            service.Handled.Items.Select(m => m.MessageId));
    }

    /// <summary>
    /// A receiver that starts ahead of the journal (as an adapter registered before the pipeline
    /// did): it hands its events over from another thread and lets the host go on once the first
    /// waits for the journal, or has been answered.
    /// </summary>
    private sealed class EarlyReceiver(Core.IEventSink sink, EventIntake intake, IReadOnlyList<Core.ChatMessage> messages) : IHostedService
    {
        private Task<Core.EventAcceptance[]>? _pushing;

        public Task<Core.EventAcceptance[]> Outcomes => _pushing ?? throw new InvalidOperationException("not started");

        public bool WaitedForTheJournal { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _pushing = Task.Run(() => messages
                .Select(m => sink.Accept(new Core.InboundEvent(Core.InboundEventKind.GroupMessage, m.Protocol, m.BotId, m, "message.group")))
                .ToArray());
            WaitedForTheJournal = SpinWait.SpinUntil(() => intake.WaitingForJournal > 0 || _pushing.IsCompleted, Patience.Safety) && !_pushing.IsCompleted;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Copies the sample <paramref name="name"/> (Samples/journal) into <paramref name="folder"/> as segment <paramref name="segment"/>.</summary>
    internal static void Seed(string folder, string name, long segment)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Samples", "journal", name), InboxJournal.SegmentPath(folder, segment));
    }
}
