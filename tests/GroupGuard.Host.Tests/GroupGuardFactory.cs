using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using GroupGuard.OneBot;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The whole service in process, on a folder of its own: its own rule pack, its own SQLite file,
/// a v11 secret and a v12 token. What it does is observable as signals to wait on: the messages the
/// worker has finished (<see cref="Handled"/>), the finished calls to the incident store
/// (<see cref="StoreCalls"/>) and everything it logged (<see cref="Logs"/>).
/// </summary>
public sealed class GroupGuardFactory : WebApplicationFactory<Program>
{
    public const string Secret = "napcat-token-2026";
    public const string AccessToken = "v12-access-token-2026";

    public const string RulePack = """
        pack: test-ads
        name: 测试广告
        category: ads
        severity: medium
        action: recall
        rules:
          - id: ads.contact
            terms: [加微信, 私聊领取]
          - id: ads.site
            regex: 'https?://[^\s]*\.xyz'
            severity: high
        """;

    // Pooled connections keep the database file open: let them go before the folder is deleted.
    private readonly TempFolder _folder = new(SqliteConnection.ClearAllPools);
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces services after the service's own registrations (e.g. a part on a fake clock).</param>
    public GroupGuardFactory(IDictionary<string, string?>? settings = null, string? rulePack = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        _folder.Write(Path.Combine("rules", "test.yaml"), rulePack ?? RulePack);
        DatabasePath = Path.Combine(Folder, "data", "groupguard.db");
        _settings = new Dictionary<string, string?>
        {
            ["GroupGuard:Rules:Path"] = Path.Combine(Folder, "rules"),
            ["GroupGuard:Storage:ConnectionString"] = $"Data Source={DatabasePath}",
            ["GroupGuard:OneBot:Secret"] = Secret,
            ["GroupGuard:OneBot:AccessToken"] = AccessToken,

            // The daily retention job (03:30) masks evidence older than RetentionDays, and the samples
            // and GroupEvent are stamped 2025-11-26: a run that crossed 03:30 lost the texts it was
            // about to read. A century keeps them; RetentionTests runs the job on a clock of its own.
            ["GroupGuard:Privacy:RetentionDays"] = "36500",

            // The default alert (no leader, no alert configured) writes into this folder, not into the
            // test run's working folder; a channel no rule names is no mistake.
            [$"GroupGuard:Channels:{Digests.DigestRegistration.DefaultAlertChannel}:Type"] = "file",
            [$"GroupGuard:Channels:{Digests.DigestRegistration.DefaultAlertChannel}:Path"] = Path.Combine(Folder, "data", "alerts"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Folder => _folder.Path;

    /// <summary>
    /// The settings that point the service at a fake OneBot HTTP API: its address, 50 actions a
    /// second, and a generous timeout (30 s a try, 60 s in all): on a loaded machine a loopback
    /// answer can take over a second, and a timed-out try is retried, which shows as a second call
    /// a test did not expect. Then <paramref name="more"/>; a new dictionary each time.
    /// </summary>
    public static Dictionary<string, string?> OneBotApi(string apiBaseUrl, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:ApiBaseUrl"] = apiBaseUrl,
            ["GroupGuard:OneBot:ActionTimeoutSeconds"] = "30",
            ["GroupGuard:OneBot:ActionBudgetSeconds"] = "60",
            ["GroupGuard:OneBot:MaxActionsPerSecond"] = "50",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Starts the service and waits for the work it does once at start in the background: the
    /// digest catch-up (which ends by sending whatever digest is pending) and the recovery of
    /// actions left pending. A test that then adds digests or pending incidents of its own is the
    /// only one to act on them; without the wait, on a loaded machine, the service's own look came
    /// after them and acted too. It also waits for the digest scheduler to be running: Quartz
    /// starts it only once the application has started, in the background, and a scheduler a test
    /// stands by before then is started all the same (and its retry job, which fires at start,
    /// sends the digests the test holds).
    /// </summary>
    public async Task StartedAsync()
    {
        _ = CreateClient();
        var once = Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Where(s => s is Jobs.DigestCatchUp or PendingActionRecovery).Cast<Microsoft.Extensions.Hosting.BackgroundService>().ToList();
        Assert.Equal(2, once.Count);
        foreach (var work in once)
        {
            await (work.ExecuteTask ?? Task.CompletedTask);
        }

        var scheduler = await Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var started = new SchedulerStarted();
        scheduler.ListenerManager.AddSchedulerListener(started);
        try
        {
            // Told, or already past it when the listener came (the states go one way, in this order).
            if (scheduler.Status < Quartz.SchedulerStatus.Running)
            {
                await started.Signal.Within("the digest scheduler to start");
            }
        }
        finally
        {
            scheduler.ListenerManager.RemoveSchedulerListener(started.Name);
        }
    }

    /// <summary>Says when the scheduler it listens to has started.</summary>
    private sealed class SchedulerStarted : Quartz.ISchedulerListener
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Signal => _started.Task;

        public string Name => nameof(GroupGuardFactory) + "." + nameof(SchedulerStarted);

        ValueTask Quartz.ISchedulerListener.SchedulerStarted(Quartz.IScheduler scheduler, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    public string DatabasePath { get; }

    /// <summary>
    /// The clock the webhook checks message times against, standing where the samples and
    /// <see cref="GroupEvent"/> are stamped (2025-11-26), so their fixed times stay current; every
    /// other part of the service runs on the real clock.
    /// </summary>
    public FakeTimeProvider WebhookClock { get; } = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

    /// <summary>The messages the moderation worker has finished with, in order (replays at start included).</summary>
    public Recording<ChatMessage> Handled { get; } = new();

    /// <summary>The finished calls to the incident store, in order: <c>AddAsync</c> when incidents are stored, <c>UpdateActionAsync</c> or <c>FinishAsync</c> (<see cref="IsOutcome"/>) when an action's outcome is.</summary>
    public Recording<ObservedCall> StoreCalls { get; } = new();

    /// <summary>The finished calls to the digest outbox, in order: <c>UpdateChannelAsync</c> when a channel's outcome is recorded.</summary>
    public Recording<ObservedCall> OutboxCalls { get; } = new();

    /// <summary>Everything the service logged, with its category.</summary>
    public LogCollector Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton(provider =>
                new OneBotWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<OneBotOptions>>(), WebhookClock)));
            Decorate<Channel<QueuedMessage>>(services, queue => new ObservedWorkerQueue(queue, Handled));
            Decorate<IIncidentStore>(services, store => Observed.Wrap(store, StoreCalls));
            Decorate<IPendingActions>(services, pending => Observed.Wrap(pending, StoreCalls));
            Decorate<GroupGuard.Core.Digests.IDigestOutbox>(services, outbox => Observed.Wrap(outbox, OutboxCalls));
            _services?.Invoke(services);
        });
    }

    /// <summary>Puts <paramref name="decorate"/> around the service as it is registered.</summary>
    internal static void Decorate<T>(IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(
            typeof(T),
            provider => decorate((T)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!))),
            registered.Lifetime));
    }

    /// <summary>A NapCat-style v11 group message, signed by <see cref="PostV11Async"/>.</summary>
    public static string GroupEvent(long messageId, string text, long userId = 20002, string role = "member", long time = 1764150000, long groupId = 123456) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["self_id"] = 10001,
            ["user_id"] = userId,
            ["time"] = time,
            ["message_id"] = messageId,
            ["message_type"] = "group",
            ["sub_type"] = "normal",
            ["post_type"] = "message",
            ["group_id"] = groupId,
            ["group_name"] = "二年级家长群",
            ["font"] = 14,
            ["raw_message"] = text,
            ["message"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["type"] = "text", ["data"] = new System.Text.Json.Nodes.JsonObject { ["text"] = text } }),
            ["sender"] = new System.Text.Json.Nodes.JsonObject { ["user_id"] = userId, ["nickname"] = "n" + userId, ["card"] = "", ["role"] = role },
        }.ToJsonString();

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    public static string Sign(string body, string secret = Secret) =>
        "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public async Task<HttpResponseMessage> PostV11Async(string body, string? signature = "sign")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Self-ID", "10001");
        if (signature is not null)
        {
            request.Headers.Add("X-Signature", signature == "sign" ? Sign(body) : signature);
        }

        return await CreateClient().SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostV12Async(string body, string? token = AccessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v12")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-OneBot-Version", "12");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await CreateClient().SendAsync(request);
    }

    /// <summary>Waits until the worker has finished <paramref name="messages"/> messages, then reads every incident.</summary>
    public async Task<IReadOnlyList<Incident>> IncidentsAfterAsync(int messages)
    {
        await Handled.WaitForCountAsync(messages, $"the worker to finish {messages} messages");
        return await IncidentsAsync();
    }

    /// <summary>Waits until the worker has finished the message with id <paramref name="messageId"/>.</summary>
    public Task<ChatMessage> HandledAsync(string messageId) =>
        Handled.WaitForAsync(m => m.MessageId == messageId, $"the worker to finish message {messageId}");

    /// <summary>
    /// Whether <paramref name="call"/> recorded an action's outcome on incidents: the action worker's
    /// (<see cref="IPendingActions.FinishAsync"/>, on those still its own) or another's.
    /// </summary>
    public static bool IsOutcome(ObservedCall call) =>
        call.Method is nameof(IIncidentStore.UpdateActionAsync) or nameof(IPendingActions.FinishAsync);

    /// <summary>
    /// The last incident <paramref name="which"/> accepts once its action is settled (no longer
    /// pending), after the worker has finished <paramref name="messages"/> messages. Waits on the
    /// store: each recorded outcome is a chance to look again.
    /// </summary>
    public async Task<Incident> SettledAsync(int messages, Func<Incident, bool> which)
    {
        await Handled.WaitForCountAsync(messages, $"the worker to finish {messages} messages");
        while (true)
        {
            // Counted before reading, so an outcome recorded between the read and the wait is not missed.
            var outcomes = StoreCalls.Items.Count(IsOutcome);
            var incident = (await IncidentsAsync()).LastOrDefault(which);
            if (incident is not null && incident.ActionStatus != ActionStatus.Pending)
            {
                return incident;
            }

            await StoreCalls.WaitUntilAsync(
                calls => calls.Count(IsOutcome) > outcomes,
                $"an action outcome to be recorded (the incident is {incident?.ActionStatus.ToString() ?? "not there"})");
        }
    }

    /// <summary>Every incident stored so far.</summary>
    public async Task<IReadOnlyList<Incident>> IncidentsAsync()
    {
        var store = Services.GetRequiredService<IIncidentStore>();
        var list = new List<Incident>();
        await foreach (var incident in store.QueryAsync(new IncidentQuery(), CancellationToken.None))
        {
            list.Add(incident);
        }

        return list;
    }

    // WebApplicationFactory.Dispose() goes through DisposeAsync, so the clean-up lives here.
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
