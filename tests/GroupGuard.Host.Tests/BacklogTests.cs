using System.Globalization;
using GroupGuard.Core;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A flood faster than moderation: past the queue the webhook goes on taking messages, which wait
/// in the inbox journal and are moderated in order once the worker gets to them. Refused, they would
/// be lost (a socket never sends an event again).
/// </summary>
public sealed class BacklogTests
{
    [Fact]
    public async Task Messages_past_a_full_queue_are_taken_and_moderated_in_order()
    {
        await using var api = FakeOneBotApi.Start();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var service = new GroupGuardFactory(
            GroupGuardFactory.OneBotApi(api.BaseUrl, ("GroupGuard:Pipeline:QueueCapacity", "1")),
            services: services => HoldWrite(services, "1", writing, release.Task));

        // The first advert's incident write stalls (the database holds it) until the test lets it
        // go, so the worker waits while the rest come in. (Not a held role lookup: the worker gives
        // that up after 5 s of real time, which a loaded machine can take before the test looks.)
        Assert.True((await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "加微信"))).IsSuccessStatusCode);
        await writing.Task.Within("the worker to be storing the first advert's incident");
        var answers = new List<System.Net.HttpStatusCode>();
        for (var id = 2; id <= 8; id++)
        {
            answers.Add((await service.PostV11Async(GroupGuardFactory.GroupEvent(id, id % 2 == 0 ? "加微信" : "大家好", userId: 20000 + id))).StatusCode);
        }

        var waited = service.Logs.Entries.Any(e => e.Message.Contains("wait in the inbox journal", StringComparison.Ordinal));
        using var health = System.Text.Json.JsonDocument.Parse(await service.CreateClient().GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var pipeline = health.RootElement.GetProperty("pipeline");
        release.SetResult();
        var incidents = await service.IncidentsAfterAsync(8);

        Assert.All(answers, status => Assert.Equal(System.Net.HttpStatusCode.NoContent, status));
        Assert.True(waited, "messages past the queue waited in the journal");
        Assert.Equal(7, pipeline.GetProperty("queued").GetInt32()); // 2 in the queue, 3 to 8 behind it; 1 is being moderated
        Assert.Equal(6, pipeline.GetProperty("backlog").GetInt32());
        Assert.Equal(Enumerable.Range(1, 8).Select(id => id.ToString(CultureInfo.InvariantCulture)), service.Handled.Items.Select(m => m.MessageId));
        Assert.Equal(["1", "2", "4", "6", "8"], incidents.Select(i => i.MessageId).Order(StringComparer.Ordinal));
        await service.Logs.WaitFor(e => e.Message.Contains("caught up with the inbox journal", StringComparison.Ordinal), "the worker to have read the backlog");
    }

    /// <summary>Puts <see cref="HeldStore"/> in front of the incident store as the service has it.</summary>
    private static void HoldWrite(IServiceCollection services, string messageId, TaskCompletionSource writing, Task release)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IIncidentStore));
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(
            typeof(IIncidentStore),
            provider => new HeldStore((IIncidentStore)(registered.ImplementationInstance ?? registered.ImplementationFactory!(provider)), messageId, writing, release),
            registered.Lifetime));
    }

    /// <summary>
    /// The incident store, except that the write of message <paramref name="messageId"/>'s incidents
    /// says it has begun (<paramref name="writing"/>) and goes on only once <paramref name="release"/>
    /// completes, as a database that stalls would hold it.
    /// </summary>
    private sealed class HeldStore(IIncidentStore inner, string messageId, TaskCompletionSource writing, Task release) : IIncidentStore
    {
        public async Task<IReadOnlyList<long>> AddAsync(IReadOnlyList<Incident> incidents, CancellationToken cancellationToken)
        {
            if (incidents.Any(i => i.MessageId == messageId))
            {
                writing.TrySetResult();
                await release.WaitAsync(cancellationToken);
            }

            return await inner.AddAsync(incidents, cancellationToken);
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public IAsyncEnumerable<Incident> QueryAsync(IncidentQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<Incident?> GetAsync(long id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<IReadOnlyList<Incident>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) => inner.GetManyAsync(ids, cancellationToken);

        public Task<IReadOnlyList<Incident>> FindByMessageAsync(GroupGuard.Core.Moderation.GroupMessageRef message, CancellationToken cancellationToken) => inner.FindByMessageAsync(message, cancellationToken);

        public Task UpdateActionAsync(IReadOnlyList<long> incidentIds, ActionStatus status, string? error, ActionErrorKind? errorKind, CancellationToken cancellationToken) =>
            inner.UpdateActionAsync(incidentIds, status, error, errorKind, cancellationToken);

        public Task RecordClearedAsync(IReadOnlyList<long> incidentIds, int recalled, int failed, CancellationToken cancellationToken) => inner.RecordClearedAsync(incidentIds, recalled, failed, cancellationToken);

        public Task<int> CountOffencesAsync(string platform, string groupId, string userId, DateTimeOffset since, DateTimeOffset until, bool dryRun, CancellationToken cancellationToken) =>
            inner.CountOffencesAsync(platform, groupId, userId, since, until, dryRun, cancellationToken);

        public Task AddMessageCountsAsync(IReadOnlyList<MessageCount> counts, CancellationToken cancellationToken) => inner.AddMessageCountsAsync(counts, cancellationToken);

        public Task<int> CountMessagesAsync(IReadOnlyList<CountedMessage> messages, CancellationToken cancellationToken) => inner.CountMessagesAsync(messages, cancellationToken);

        public Task<IReadOnlyList<MessageCount>> GetMessageCountsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken) =>
            inner.GetMessageCountsAsync(from, to, groupIds, cancellationToken);

        public Task<IReadOnlyList<MessageTotal>> GetMessageTotalsAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? groupIds, CancellationToken cancellationToken) =>
            inner.GetMessageTotalsAsync(from, to, groupIds, cancellationToken);

        public Task<bool> MarkFalsePositiveAsync(long id, bool falsePositive, string? note, DateTimeOffset at, string? reviewer, CancellationToken cancellationToken) =>
            inner.MarkFalsePositiveAsync(id, falsePositive, note, at, reviewer, cancellationToken);

        public Task<int> ApplyRetentionAsync(DateTimeOffset before, RetentionMode mode, CancellationToken cancellationToken) => inner.ApplyRetentionAsync(before, mode, cancellationToken);

        public Task<StorageStatus> CheckAsync(CancellationToken cancellationToken) => inner.CheckAsync(cancellationToken);

        public Task<long> CommitHighAsync(CancellationToken cancellationToken) => inner.CommitHighAsync(cancellationToken);
    }
}
