using System.Text.Json;
using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.Host.Webhooks;
using GroupGuard.OneBot;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace GroupGuard.Host.Tests;

/// <summary>
/// The WebSocket examples of deploy/ (and the README's copies of them) work as written: NapCat's
/// websocketClients and LuckyLilliaBot's ws-reverse entries reach /onebot/v11/ws with the headers
/// those implementations send, and GroupGuard's Connections point at NapCat's websocketServers.
/// </summary>
public sealed class DeployWebSocketExampleTests
{
    private static JsonObject Example(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", name)))!.AsObject();

    /// <summary>
    /// Opens the reverse socket as the implementation would from its entry: its url, its token as
    /// <c>Authorization: Bearer</c>, <c>X-Self-ID</c> and <c>X-Client-Role: Universal</c>
    /// (NapCat's websocket-client.ts, LuckyLilliaBot's connect/ws.ts), with GroupGuard's access
    /// token set to the entry's token; sends a group message and answers the recall.
    /// </summary>
    private static async Task ConnectsAndIsModeratedAsync(string url, string token, string userAgent)
    {
        var uri = new Uri(url);
        Assert.Equal("ws", uri.Scheme);
        Assert.Equal("127.0.0.1", uri.Host);
        Assert.Equal(new Uri(GroupGuardApp.DefaultUrl).Port, uri.Port);
        Assert.Equal(OneBotWebSocketEndpoint.Path, uri.AbsolutePath);

        var accessToken = token + "-made-long-enough";
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:OneBot:AccessToken"] = accessToken });
        var client = service.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.Headers["X-Self-ID"] = "10001";
            request.Headers.Authorization = "Bearer " + accessToken;
            request.Headers["x-client-role"] = "Universal";
            request.Headers.UserAgent = userAgent;
        };
        await using var bot = new FakeOneBotSocket(await client.ConnectAsync(new Uri(service.Server.BaseAddress, uri.PathAndQuery), CancellationToken.None));

        await bot.SendAsync(GroupGuardFactory.Sample("napcat-lifecycle-connect.json"));
        await bot.SendAsync(GroupGuardFactory.GroupEvent(901, "私聊领取资料"));

        Assert.Equal("delete_msg", (await bot.Calls.WaitForCountAsync(1, "the recall"))[0].Action);
        Assert.Equal(ActionStatus.Done, (await service.SettledAsync(1, i => i.MessageId == "901")).ActionStatus);
    }

    [Fact]
    public async Task NapCats_websocketClients_entry_connects_and_is_moderated()
    {
        var entry = Example("napcat-onebot11-ws.example.json")["network"]!["websocketClients"]!.AsArray().Single()!.AsObject();

        Assert.True(entry["enable"]!.GetValue<bool>());
        Assert.Equal("array", entry["messagePostFormat"]!.GetValue<string>());
        Assert.False(entry["reportSelfMessage"]!.GetValue<bool>());
        await ConnectsAndIsModeratedAsync(entry["url"]!.GetValue<string>(), entry["token"]!.GetValue<string>(), "OneBot/11");
    }

    [Fact]
    public async Task LuckyLilliaBots_ws_reverse_entry_connects_and_is_moderated()
    {
        var entry = Example("llbot-onebot11-ws.example.json")["ob11"]!["connect"]!.AsArray().Single()!.AsObject();

        Assert.Equal("ws-reverse", entry["type"]!.GetValue<string>());
        Assert.True(entry["enable"]!.GetValue<bool>());
        Assert.Equal("array", entry["messageFormat"]!.GetValue<string>());
        await ConnectsAndIsModeratedAsync(entry["url"]!.GetValue<string>(), entry["token"]!.GetValue<string>(), "LLOneBot/7");
    }

    [Fact]
    public void GroupGuards_connections_point_at_NapCats_websocketServers_entry_and_its_placeholders_are_refused()
    {
        var server = Example("napcat-onebot11-ws-forward.example.json")["network"]!["websocketServers"]!.AsArray().Single()!.AsObject();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "appsettings.onebot11-ws.example.json"))
            .Build();
        var options = configuration.GetSection(OneBotOptions.Section).Get<OneBotOptions>()!;

        var connection = Assert.Single(options.Connections);
        var url = new Uri(connection.Url!);
        Assert.Equal(server["host"]!.GetValue<string>(), url.Host);
        Assert.Equal(server["port"]!.GetValue<int>(), url.Port);
        Assert.True(options.VerifyActions);
        var failures = new OneBotOptionsValidator().Validate(null, options).Failures!;
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:OneBot:AccessToken is still the placeholder", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("GroupGuard:OneBot:Connections:0:AccessToken is still the placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public void The_readme_shows_the_same_entries()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var blocks = readme.Split("```json").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();

        bool Shown(JsonNode entry) => blocks.Any(b =>
        {
            try
            {
                return Find(JsonNode.Parse(b), entry);
            }
            catch (JsonException)
            {
                return false;
            }
        });

        Assert.True(Shown(Example("napcat-onebot11-ws.example.json")["network"]!["websocketClients"]![0]!), "NapCat's websocketClients entry");
        Assert.True(Shown(Example("napcat-onebot11-ws-forward.example.json")["network"]!["websocketServers"]![0]!), "NapCat's websocketServers entry");
        Assert.True(Shown(Example("llbot-onebot11-ws.example.json")["ob11"]!["connect"]![0]!), "LuckyLilliaBot's ws-reverse entry");
    }

    /// <summary>Whether <paramref name="entry"/> appears, equal in every field, anywhere in <paramref name="node"/>.</summary>
    private static bool Find(JsonNode? node, JsonNode entry) => node switch
    {
        _ when JsonNode.DeepEquals(node, entry) => true,
        JsonObject o => o.Any(p => Find(p.Value, entry)),
        JsonArray a => a.Any(i => Find(i, entry)),
        _ => false,
    };
}
