using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using GroupGuard.Host.Tests.Pipeline;
using GroupGuard.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// Pending actions on a database several instances share: each names the instance that carries it
/// out, and another takes it over only once that instance has stopped checking in.
/// </summary>
public sealed class SharedRecoveryTests
{
    private const string Pack = """
        pack: ads
        name: 广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信]
        """;

    private static GroupGuardFactory Service(FakeOneBotApi api, params (string Key, string? Value)[] settings) =>
        new(GroupGuardFactory.OneBotApi(api.BaseUrl, [("GroupGuard:OneBot:WarningCoalesceSeconds", "1"), (ModerationTests.PerMessageRecoveryLines, "Debug"), .. settings]), Pack);

    private static Incident Pending(string messageId, DateTimeOffset detected, string? owner) =>
        Incidents.Of(messageId, time: detected, detectedAt: detected) with { ActionStatus = ActionStatus.Pending, ActionOwner = owner };

    private static List<string> Logged(GroupGuardFactory service, string start) =>
        [.. service.Logs.Entries.Where(e => e.Message.StartsWith(start, StringComparison.Ordinal)).Select(e => e.Message)];

    [Fact]
    public async Task The_instance_that_decides_an_action_is_stored_as_the_one_to_carry_it_out()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:InstanceId", "guard-east-1"));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(301, "加微信", userId: 20002));
        var incident = await service.SettledAsync(1, i => i.MessageId == "301");

        Assert.Equal(ActionStatus.Done, incident.ActionStatus);
        Assert.Equal("guard-east-1", incident.ActionOwner);
    }

    [Fact]
    public async Task Only_actions_left_by_a_stopped_instance_or_by_this_one_before_its_start_are_taken()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:InstanceId", "alpha"));
        await service.StartedAsync();
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddAsync(
        [
            Pending("931", now.AddMinutes(-5), "beta"),    // a live instance's, its queue backed up: never taken
            Pending("932", now.AddMinutes(-1), "gamma"),   // an instance that stopped checking in: taken over
            Pending("933", now.AddSeconds(-5), "delta"),   // an instance not listed yet (just started): left a while
            Pending("934", now.AddMinutes(-1), null),      // stored by an earlier version: left until two minutes old
            Pending("935", now.AddMinutes(-3), null),      // ... and while another instance (of that version?) is alive
            Pending("936", now.AddMinutes(-1), "alpha"),   // this instance's before its restart (a fixed InstanceId)
            Pending("937", now.AddSeconds(1), "alpha"),    // this instance's worker's, after its start
            Pending("938", now.AddMinutes(-20), "gamma"),  // too old to be worth doing
            Pending("939", now.AddMinutes(-11), null),     // an earlier version's, too old whoever is alive: marked failed
        ], CancellationToken.None);
        var cluster = new FakeClusterMembers("alpha", "beta");
        var recovery = Recoveries.For(service.Services, new FakeTimeProvider(now), "alpha", cluster);

        await recovery.RecoverAsync(now, CancellationToken.None);

        var requeued = Logged(service, "Queued again");
        var takenOver = Logged(service, "Took over");
        Assert.Equal(["936"], requeued.Select(MessageOf));
        Assert.Equal(["932"], takenOver.Select(MessageOf));
        Assert.Contains("from instance gamma", takenOver[0], StringComparison.Ordinal);
        // Each message at Debug, one warning a pass for each kind: a crash under a flood is not thousands of warnings.
        Assert.All(service.Logs.Entries.Where(e => e.Message.StartsWith("Queued again", StringComparison.Ordinal) || e.Message.StartsWith("Took over", StringComparison.Ordinal)), e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(
            ["Pending actions of 1 message(s) taken over from instance gamma, which stopped before carrying them out (1 actions)", "Pending actions of 1 message(s), decided before the last stop but not carried out, queued again (1 actions)"],
            service.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Pending actions of", StringComparison.Ordinal)).Select(e => e.Message).Order(StringComparer.Ordinal));
        await api.WaitForRequestAsync(r => r.Action == "delete_msg" && r.Params["message_id"]!.GetValue<long>() == 932, "the recall taken over");

        var after = await Task.WhenAll(ids.Select(id => store.GetAsync(id, CancellationToken.None)));
        Assert.Equal("alpha", after[1]!.ActionOwner);
        Assert.Equal(("beta", ActionStatus.Pending), (after[0]!.ActionOwner, after[0]!.ActionStatus));
        Assert.Equal(("delta", ActionStatus.Pending), (after[2]!.ActionOwner, after[2]!.ActionStatus));
        Assert.Equal(ActionStatus.Pending, after[3]!.ActionStatus);
        Assert.Equal(((string?)null, ActionStatus.Pending), (after[4]!.ActionOwner, after[4]!.ActionStatus));
        Assert.Equal(ActionStatus.Pending, after[6]!.ActionStatus);
        Assert.Equal(("alpha", ActionStatus.Failed, ActionErrorKind.Interrupted), (after[7]!.ActionOwner, after[7]!.ActionStatus, after[7]!.ActionErrorKind));
        Assert.Equal(("alpha", ActionStatus.Failed, ActionErrorKind.Interrupted), (after[8]!.ActionOwner, after[8]!.ActionStatus, after[8]!.ActionErrorKind));

        // beta stops checking in: alone now, alpha takes the earlier version's action still worth doing.
        cluster.Alive("alpha");
        await recovery.RecoverAsync(now, CancellationToken.None);

        Assert.Equal(["935", "936"], Logged(service, "Queued again").Select(MessageOf).Order());
        await api.WaitForRequestAsync(r => r.Action == "delete_msg" && r.Params["message_id"]!.GetValue<long>() == 935, "the earlier version's recall, once alone");
        Assert.Equal("alpha", (await store.GetAsync(ids[4], CancellationToken.None))!.ActionOwner);
    }

    /// <summary>
    /// Two live instances, alpha and beta, each with its own queue, find the action of gamma, which
    /// stopped checking in: one claims it and queues it, the other finds it claimed. The incident
    /// names the winner, whose worker is the one to carry it out (another instance's worker leaves
    /// a job whose incidents name someone else).
    /// </summary>
    [Fact]
    public async Task Of_two_instances_that_find_a_stopped_instance_s_action_one_takes_it()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.StartedAsync();
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var id = Assert.Single(await store.AddAsync([Pending("941", now.AddMinutes(-1), "gamma")], CancellationToken.None));
        var cluster = new FakeClusterMembers("alpha", "beta");
        var queues = new Dictionary<string, ActionQueue> { ["alpha"] = new(), ["beta"] = new() };
        var alpha = Recoveries.For(service.Services, new FakeTimeProvider(now), "alpha", cluster, queues["alpha"]);
        var beta = Recoveries.For(service.Services, new FakeTimeProvider(now), "beta", cluster, queues["beta"]);

        await Task.WhenAll(alpha.RecoverAsync(now, CancellationToken.None), beta.RecoverAsync(now, CancellationToken.None));

        var takenOver = Assert.Single(Logged(service, "Took over"));
        Assert.Contains("from instance gamma", takenOver, StringComparison.Ordinal);
        var incident = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(ActionStatus.Pending, incident.ActionStatus);
        var winner = Assert.Single(queues, q => q.Value.Pending == 1);
        Assert.Equal(winner.Key, incident.ActionOwner);
        Assert.True(winner.Value.Reader.TryRead(out var job));
        Assert.Equal([id], job.IncidentIds);
        Assert.Equal(0, queues.Sum(q => q.Value.Pending));
    }

    /// <summary>
    /// This instance's worker has a job queued when another instance, judging this one gone, claims
    /// its incidents (as after a pause longer than the cluster's check-in): the job is left to the
    /// taker. Nothing reaches the platform from here and the incident stays the taker's, pending.
    /// </summary>
    [Fact]
    public async Task A_job_whose_incidents_another_instance_claimed_meanwhile_is_left_to_it()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api, ("GroupGuard:InstanceId", "alpha"));
        await service.StartedAsync();
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var id = Assert.Single(await store.AddAsync([Pending("961", now.AddMinutes(-1), "alpha")], CancellationToken.None));
        var betaQueue = new ActionQueue();
        var beta = Recoveries.For(service.Services, new FakeTimeProvider(now), "beta", new FakeClusterMembers("beta"), betaQueue);
        await beta.RecoverAsync(now, CancellationToken.None);
        Assert.True(betaQueue.Reader.TryRead(out var taken));

        // alpha's own worker gets the same job (as its moderator had queued it before the pause).
        Assert.True(service.Services.GetRequiredService<ActionQueue>().TryEnqueue(taken));

        await service.Logs.WaitFor(e => e.Message.Contains("instance beta took them over", StringComparison.Ordinal), "the job left to beta");
        Assert.DoesNotContain(api.Requests, r => r.Action == "delete_msg");
        Assert.Equal(("beta", ActionStatus.Pending), ((await store.GetAsync(id, CancellationToken.None))!.ActionOwner, (await store.GetAsync(id, CancellationToken.None))!.ActionStatus));
    }

    [Fact]
    public async Task An_instance_that_stops_later_has_its_action_taken_over_at_the_next_look()
    {
        await using var api = FakeOneBotApi.Start();
        using var service = Service(api);
        await service.StartedAsync();
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(now);
        await store.AddAsync([Pending("951", now.AddMinutes(-1), "gamma")], CancellationToken.None);
        var cluster = new CountingClusterMembers("alpha", "gamma");
        using var recovery = Recoveries.For(service.Services, clock, "alpha", cluster);

        await recovery.StartAsync(CancellationToken.None);
        await cluster.Looked(1);
        cluster.Alive("alpha"); // gamma stops checking in
        while (!cluster.Looked(2).IsCompleted)
        {
            // The next look is SweepEvery after the first has finished: advance until it has come.
            clock.Advance(PendingActionRecovery.SweepEvery);
            await Task.WhenAny(cluster.Looked(2), Task.Delay(20));
        }

        await service.Logs.WaitFor(e => e.Message.StartsWith("Took over", StringComparison.Ordinal), "the action taken over");
        var takenOver = Assert.Single(Logged(service, "Took over"));
        Assert.Contains("message 951 from instance gamma", takenOver, StringComparison.Ordinal);
        await recovery.StopAsync(CancellationToken.None);
    }

    private static string MessageOf(string logged) =>
        logged[(logged.IndexOf(" message ", StringComparison.Ordinal) + " message ".Length)..].Split(' ', ',')[0];

    /// <summary>A <see cref="FakeClusterMembers"/> that tells when it has been asked <c>n</c> times.</summary>
    private sealed class CountingClusterMembers(params string[] alive) : IClusterMembers
    {
        private readonly FakeClusterMembers _inner = new(alive);
        private readonly List<TaskCompletionSource> _looks = [];
        private int _count;

        public void Alive(params string[] ids) => _inner.Alive(ids);

        public Task Looked(int times)
        {
            lock (_looks)
            {
                while (_looks.Count < times)
                {
                    _looks.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                return _looks[times - 1].Task;
            }
        }

        public async Task<IReadOnlySet<string>> TrustedAsync(CancellationToken cancellationToken)
        {
            var trusted = await _inner.TrustedAsync(cancellationToken);
            var count = Interlocked.Increment(ref _count);
            _ = Looked(count);
            lock (_looks)
            {
                _looks[count - 1].TrySetResult();
            }

            return trusted;
        }
    }
}

/// <summary>The name an instance goes by when <c>GroupGuard:InstanceId</c> is not set.</summary>
public sealed class InstanceIdentityTests
{
    [Theory]
    [InlineData("guard-box-01", "guard-box-01-")]
    [InlineData("服务器 一号/east", "east-")]             // what the setting would refuse is left out
    [InlineData("", "groupguard-")]
    [InlineData(null, "groupguard-")]
    public void A_generated_id_is_the_machine_s_name_and_eight_random_hex_digits_within_what_the_setting_allows(string? machine, string prefix)
    {
        var id = InstanceIdentity.Generate(machine);
        var another = InstanceIdentity.Generate(machine);

        Assert.StartsWith(prefix, id, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}$", id[prefix.Length..]);
        Assert.NotEqual(id, another); // a restart is a new instance to the cluster
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>(HostServiceCollectionExtensions.InstanceIdKey, id)]).Build();
        Assert.True(new InstanceIdValidator(configuration).Validate(null, new GroupGuard.Storage.StorageOptions()).Succeeded);
    }

    [Fact]
    public void A_long_machine_name_is_cut_so_that_the_id_stays_within_64_characters()
    {
        Assert.Equal(40 + 1 + 8, InstanceIdentity.Generate(new string('m', 100)).Length);
    }
}
