using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Host.Pipeline;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using GroupGuard.OneBot;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The whole service in process, on a folder of its own: its own rule pack, its own SQLite file,
/// a v11 secret and a v12 token.
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

    public GroupGuardFactory(IDictionary<string, string?>? settings = null, string? rulePack = null)
    {
        _folder.Write(Path.Combine("rules", "test.yaml"), rulePack ?? RulePack);
        DatabasePath = Path.Combine(Folder, "data", "groupguard.db");
        _settings = new Dictionary<string, string?>
        {
            ["GroupGuard:Rules:Path"] = Path.Combine(Folder, "rules"),
            ["GroupGuard:Storage:ConnectionString"] = $"Data Source={DatabasePath}",
            ["GroupGuard:OneBot:Secret"] = Secret,
            ["GroupGuard:OneBot:AccessToken"] = AccessToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Folder => _folder.Path;

    public string DatabasePath { get; }

    /// <summary>
    /// The clock the webhook checks message times against, standing where the samples and
    /// <see cref="GroupEvent"/> are stamped (2025-11-26), so their fixed times stay current; every
    /// other part of the service runs on the real clock.
    /// </summary>
    public FakeTimeProvider WebhookClock { get; } = new(new DateTimeOffset(2025, 11, 26, 10, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(provider =>
            new OneBotWebhookReceiver(provider.GetRequiredService<IOptionsMonitor<OneBotOptions>>(), WebhookClock))));
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

    /// <summary>Waits until the worker has handled <paramref name="messages"/> messages, then reads every incident.</summary>
    public async Task<IReadOnlyList<Incident>> IncidentsAfterAsync(int messages)
    {
        var stats = Services.GetRequiredService<PipelineStats>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (stats.ProcessedCount + stats.FailedCount < messages && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(stats.ProcessedCount + stats.FailedCount >= messages, $"only {stats.ProcessedCount} of {messages} messages were processed in time");
        return await IncidentsAsync();
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
