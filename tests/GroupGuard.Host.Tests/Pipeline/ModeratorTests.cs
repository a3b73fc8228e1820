using GroupGuard.Core;
using GroupGuard.Core.Images;
using GroupGuard.Core.Moderation;
using GroupGuard.Images;
using GroupGuard.Host.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

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

    /// <summary>
    /// A bridge that is down, for a message whose event says neither the sender's role nor the
    /// group's name (LuckyLilliaBot): both are asked at once, so one 5 s on the service's clock ends
    /// both, and the message is moderated as a member's in a group known by its number.
    /// </summary>
    [Fact]
    public async Task The_groups_name_is_asked_beside_the_senders_role_and_adds_no_wait_of_its_own()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var platform = new SilentRoles();
        var names = new SilentNames();
        var moderator = ActivatorUtilities.CreateInstance<Moderator>(service.Services, clock, (IPlatformActions)platform, new GroupNames([names], clock));

        var moderating = moderator.ModerateAsync(Messages.Group("加微信领取", id: "4", role: SenderRole.Unknown), CancellationToken.None);
        await platform.Asked.Task.Within("the sender's role to be asked");
        await names.Asked.Task.Within("the group's name to be asked beside it");
        clock.Advance(SenderRoles.LookupTimeout);

        Assert.Equal(ModerationOutcome.Done, (await moderating.Within("one lookup time to end both lookups")).Outcome);
        var incident = Assert.Single(await service.IncidentsAsync());
        Assert.Equal(("ads.contact", null), (incident.Rule, incident.GroupName));
    }

    /// <summary>A platform whose member lookup never answers; it can do every action.</summary>
    private sealed class SilentRoles : IPlatformActions
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool CanDo(Protocol protocol, string platform, ModerationAction action) => true;

        public Task<ActionResult> ExecuteAsync(PlatformAction action, CancellationToken cancellationToken) => Task.FromResult(ActionResult.Done);

        public async Task<SenderRole?> GetRoleAsync(Protocol protocol, string botId, string groupId, string userId, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }

        public Task<ActionResult> UnmuteAsync(Protocol protocol, string platform, string botId, string groupId, string userId, CancellationToken cancellationToken) =>
            Task.FromResult(ActionResult.Done);
    }

    /// <summary>A bridge that never says a group's name.</summary>
    private sealed class SilentNames : Core.Members.IGroupNameLookup
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyCollection<Protocol> Protocols { get; } = [Protocol.OneBotV11];

        public async Task<string?> GetGroupNameAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
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

    /// <summary>
    /// A member's first advert is recalled and the second, five seconds later, escalates to a mute.
    /// The first message's picture is read after both (pictures have a queue of their own) and its
    /// text hits a rule: it is still the member's first offence, and was counted as the second (the
    /// later message taken for an earlier one), which muted the member a second time for it.
    /// </summary>
    [Fact]
    public async Task A_pictures_hit_is_weighed_with_the_offences_before_its_message_not_the_ones_after()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        var first = Messages.Group("加微信", id: "71");
        var second = Messages.Group("加微信", id: "72", time: first.Time.AddSeconds(5));
        await moderator.ModerateAsync(first, CancellationToken.None);
        await moderator.ModerateAsync(second, CancellationToken.None);

        var reading = new PictureReading(PictureOutcome.Read, "gchat.qpic.cn/x") { Text = "http://a.xyz", TextOutcome = PictureTextOutcome.Read };
        await moderator.ModeratePicturesAsync(first, [new PictureCheck(1, reading)], [], new ImagesOptions(), CancellationToken.None);

        var incidents = await service.IncidentsAsync();
        Assert.Equal(1, incidents.Single(i => i.MessageId == "72").EscalationStep);
        var picture = incidents.Single(i => i.MessageId == "71" && i.Rule == "ads.site");
        Assert.Equal((0, 0), (picture.EscalationStep, picture.MuteSeconds));
        Assert.DoesNotContain(ModerationAction.Mute, picture.PlannedActions);
    }

    /// <summary>
    /// Messages moderated out of the order they were sent in (two instances, a delivery delayed):
    /// the earlier message is the member's first offence whatever was moderated before it.
    /// </summary>
    [Fact]
    public async Task A_message_moderated_after_a_later_one_of_the_same_member_is_not_escalated_by_it()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        var earlier = Messages.Group("加微信", id: "81");
        var later = Messages.Group("私聊领取", id: "82", time: earlier.Time.AddSeconds(30));

        await moderator.ModerateAsync(later, CancellationToken.None);
        await moderator.ModerateAsync(earlier, CancellationToken.None);

        var incident = (await service.IncidentsAsync()).Single(i => i.MessageId == "81");
        Assert.Equal((0, 0), (incident.EscalationStep, incident.MuteSeconds));
        Assert.Equal([ModerationAction.Recall], incident.PlannedActions);
    }

    /// <summary>
    /// A member's second advert is recalled and, by escalation, muted for 10 minutes: the log line
    /// names them all, the warning that says so in the group too (it said "action Recall", the rule's own, and an operator took the mute for a bug).
    /// </summary>
    [Fact]
    public async Task The_incident_line_names_every_action_decided_escalation_included()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var moderator = service.Services.GetRequiredService<Moderator>();
        var first = Messages.Group("加微信", id: "7101");
        var second = Messages.Group("私聊领取", id: "7102", time: first.Time.AddSeconds(30));

        await moderator.ModerateAsync(first, CancellationToken.None);
        await moderator.ModerateAsync(second, CancellationToken.None);

        var lines = service.Logs.Entries.Where(e => e.Category == typeof(Moderator).FullName && e.Message.StartsWith("Incident ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("message 7101, actions Recall (Pending)", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("message 7102, actions Recall+Mute 600s+Warn (Pending)", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("私聊", StringComparison.Ordinal) || l.Contains("微信", StringComparison.Ordinal));
    }

    /// <summary>
    /// A bridge redelivers a message whose key the service no longer remembers (past
    /// <c>DedupeCapacity</c>, as after a restart): the unique index stores nothing new and nothing
    /// is acted on again, and the log says the redelivery was a duplicate (Debug, as the intake's
    /// duplicates are) instead of a second incident line for the one incident stored.
    /// </summary>
    [Fact]
    public async Task A_redelivery_stored_already_is_logged_as_a_duplicate_not_as_a_second_incident()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:Pipeline:DedupeCapacity"] = "1",
            ["Logging:LogLevel:" + typeof(Moderator).FullName] = "Debug",
        });
        var advert = GroupGuardFactory.GroupEvent(7201, "加微信");

        await service.PostV11Async(advert);
        await service.PostV11Async(GroupGuardFactory.GroupEvent(7202, "明天交作业")); // the advert's key forgotten
        await service.PostV11Async(advert);

        var incidents = await service.IncidentsAfterAsync(3);
        Assert.Equal(["7201", "7202", "7201"], service.Handled.Items.Select(m => m.MessageId)); // the redelivery was moderated again
        Assert.Equal("7201", Assert.Single(incidents).MessageId);
        var lines = service.Logs.Entries.Where(e => e.Category == typeof(Moderator).FullName).ToList();
        var incident = Assert.Single(lines, e => e.Message.StartsWith("Incident ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, incident.Level);
        Assert.EndsWith("message 7201, actions Recall (Pending)", incident.Message, StringComparison.Ordinal);
        var duplicate = Assert.Single(lines, e => e.Message.StartsWith("Duplicate incident ", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, duplicate.Level);
        Assert.Equal("Duplicate incident ads.contact: qq group 123456 user 20002 message 7201 was stored already (a redelivery, a replay or another instance's copy); not stored or acted on again", duplicate.Message);
    }
}
