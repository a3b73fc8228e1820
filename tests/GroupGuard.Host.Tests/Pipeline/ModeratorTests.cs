using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Pipeline;

/// <summary>The moderator as the worker calls it, one message at a time, with storage that fails.</summary>
public sealed class ModeratorTests
{
    private static ChatMessage Message(string id, string text) => Messages.Group(text, id: id);

    private static void BreakDatabase(GroupGuardFactory service)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(service.DatabasePath)!, "groupguard.db*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(service.DatabasePath); // a folder where the database file was
    }

    [Fact]
    public async Task A_hit_is_stored_once_the_database_is_back()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        BreakDatabase(service);

        var moderating = moderator.ModerateAsync(Message("1", "加微信领取"), CancellationToken.None);
        Assert.False(moderating.IsCompleted);
        Directory.Delete(service.DatabasePath);
        await service.Services.GetRequiredService<IIncidentStore>().InitializeAsync(CancellationToken.None);

        Assert.Equal(ModerationOutcome.Done, (await moderating.Within("the moderation to store its incident")).Outcome);
        var incident = Assert.Single(await service.IncidentsAsync());
        Assert.Equal("ads.contact", incident.Rule);
    }

    [Fact]
    public async Task Stopping_with_the_database_down_leaves_the_message_to_the_journal()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        BreakDatabase(service);

        var outcome = await moderator.ModerateAsync(Message("2", "加微信领取"), new CancellationToken(canceled: true));

        Assert.Equal(ModerationOutcome.NotStored, outcome.Outcome);
    }

    /// <summary>
    /// The host gives up waiting for the stop while the shared flood log (PostgreSQL, for several
    /// instances) is asked about a message: the message is left to the journal, to be moderated
    /// after the next start. It was taken for a detector failure, which the worker marks done:
    /// every message still queued at the stop timeout was lost, adverts included.
    /// </summary>
    [Fact]
    public async Task Stopping_while_the_shared_flood_log_is_asked_leaves_the_message_to_the_journal()
    {
        var log = new UnansweredStreamLog();
        using var service = new GroupGuardFactory(
            rulePack: GroupGuardFactory.RulePack + "\n  - id: spam.flood\n    flood: { messages: 10, seconds: 15 }\n",
            services: services => services.AddSingleton<Core.Detection.IStreamLog>(log));
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        using var stop = new CancellationTokenSource();

        var moderating = moderator.ModerateAsync(Message("4", "加微信领取"), stop.Token);
        await log.Asked.Task.Within("the flood log to be asked");
        await stop.CancelAsync();

        Assert.Equal(ModerationOutcome.NotStored, (await moderating.Within("the moderation to give up")).Outcome);
        Assert.Empty(await service.IncidentsAsync());
    }

    /// <summary>A shared flood log that answers only by being cancelled, as a query to a database that has stopped answering.</summary>
    private sealed class UnansweredStreamLog : Core.Detection.IStreamLog
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<int> RecordAsync(string stream, string messageKey, DateTimeOffset time, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    [Fact]
    public async Task Clean_text_stores_nothing_and_counts_the_message()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();

        var outcome = await moderator.ModerateAsync(Message("3", "今天下午三点开家长会"), CancellationToken.None);

        Assert.Equal(ModerationOutcome.Done, outcome.Outcome);
        Assert.Empty(await service.IncidentsAsync());
    }
}
