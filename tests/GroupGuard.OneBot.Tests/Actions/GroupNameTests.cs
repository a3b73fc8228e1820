using System.Text.Json.Nodes;
using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;
using static GroupGuard.OneBot.Tests.Actions.ActionClients;

namespace GroupGuard.OneBot.Tests.Actions;

/// <summary>
/// A group's name for incidents of a group whose events carry none (LuckyLilliaBot, ComWeChat):
/// <c>get_group_info</c>'s <c>data.group_name</c>, over v11 and v12 alike; anything else is no name.
/// </summary>
public sealed class GroupNameTests : IAsyncLifetime
{
    private const string V12Group = "12345678901@chatroom";

    private readonly FakeOneBotApi _api = FakeOneBotApi.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static FakeAnswer Answer(string sample) => new(200, System.Text.Encoding.UTF8.GetString(Samples.Bytes(sample)));

    private static Task<string?> AskAsync(Core.Members.IGroupNameLookup client, Protocol protocol) =>
        protocol == OneBotV11
            ? client.GetGroupNameAsync(OneBotV11, "qq", "10000", "123456", CancellationToken.None)
            : client.GetGroupNameAsync(OneBotV12, "wechat", "wxid_bot001", V12Group, CancellationToken.None);

    [Fact]
    public async Task V11_asks_get_group_info_and_reads_its_group_name()
    {
        _api.Script("get_group_info", Answer("V11/llbot-answer-group-info.json"));
        using var client = Create(Options(_api));

        Assert.Equal("二年级家长群", await AskAsync(client, OneBotV11));

        var request = Assert.Single(_api.Requests);
        Assert.Equal("/get_group_info", request.Path);
        Assert.Equal("""{"group_id":123456,"no_cache":false}""", request.RawBody);
        Assert.Equal($"Bearer {Token}", request.Header("Authorization"));
    }

    [Fact]
    public async Task V12_asks_get_group_info_as_the_bot_that_heard_the_message()
    {
        _api.Script("get_group_info", Answer("V12/spec-answer-get-group-info.json"));
        using var client = Create(Options(_api));

        Assert.Equal("小区业主群", await AskAsync(client, OneBotV12));

        var request = Assert.Single(_api.Requests);
        Assert.Equal("/v12/", request.Path);
        Assert.Equal(
            $$$"""{"action":"get_group_info","params":{"group_id":"{{{V12Group}}}"},"self":{"platform":"wechat","user_id":"wxid_bot001"}}""",
            request.RawBody);
    }

    public static TheoryData<Protocol, string> NoName => new()
    {
        { OneBotV11, """{"group_id":123456,"member_count":312}""" }, // no group_name
        { OneBotV11, """{"group_id":123456,"group_name":""}""" },
        { OneBotV11, """{"group_id":123456,"group_name":123}""" },
        { OneBotV11, """{"group_id":123456,"group_name":null}""" },
        { OneBotV11, """{"group_id":123456,"group_name":["二年级家长群"]}""" },
        { OneBotV11, "null" }, // data: null, as an ok without an answer
        { OneBotV12, $$"""{"group_id":"{{V12Group}}"}""" },
        { OneBotV12, $$"""{"group_id":"{{V12Group}}","group_name":""}""" },
        { OneBotV12, $$$"""{"group_id":"{{{V12Group}}}","group_name":{"name":"小区业主群"}}""" },
        { OneBotV12, "null" },
    };

    [Theory]
    [MemberData(nameof(NoName))]
    public async Task An_answer_without_a_group_name_as_a_string_is_no_name(Protocol protocol, string data)
    {
        _api.Default = FakeAnswer.Ok(JsonNode.Parse(data));
        using var client = Create(Options(_api));

        Assert.Null(await AskAsync(client, protocol));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task A_refusal_or_an_action_the_implementation_lacks_is_no_name()
    {
        _api.Script("get_group_info", FakeAnswer.Failed(200, "获取群信息失败"), Answer("V12/spec-answer-unsupported-action.json"));
        using var client = Create(Options(_api));

        Assert.Null(await AskAsync(client, OneBotV11));
        Assert.Null(await AskAsync(client, OneBotV12));
        Assert.Equal(2, _api.Requests.Count); // neither retried
    }

    [Fact]
    public async Task A_long_name_is_cut_as_a_nickname_is()
    {
        _api.Default = FakeAnswer.Ok(new JsonObject { ["group_name"] = new string('群', 1000) });
        using var client = Create(Options(_api));

        var name = await AskAsync(client, OneBotV11);

        Assert.Equal(MessageLimits.MaxNameLength, name!.Length);
        Assert.EndsWith("…", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_api_or_a_bot_connected_now_nothing_is_asked()
    {
        // v11 without ApiBaseUrl and no socket of the bot; v12 without V12ApiBaseUrl.
        using var client = Create(Options(_api, o => (o.ApiBaseUrl, o.V12ApiBaseUrl) = (null, null)));

        Assert.Null(await AskAsync(client, OneBotV11));
        Assert.Null(await AskAsync(client, OneBotV12));
        Assert.Empty(_api.Requests);
    }
}
