using GroupGuard.Core;
using Microsoft.Extensions.Logging;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A bot that is not admin of its group: each action it is refused wrote about four lines (each
/// try's, the transport's warning, the worker's), and a busy group flooded the log. Now the log has
/// one warning naming the action, the group and the platform's reason; the tries are at Debug; the
/// incident says what it said before.
/// </summary>
public sealed class ActionFailureLogTests
{
    [Fact]
    public async Task A_recall_the_bot_may_not_do_is_one_warning_naming_the_action_the_group_and_the_platforms_reason()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("delete_msg", FakeAnswer.Http(502), FakeAnswer.Failed(200, "权限不足"));
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl));

        await service.PostV11Async(GroupGuardFactory.GroupEvent(501, "想要资料的加微信"));
        var incident = await service.SettledAsync(1, i => i.MessageId == "501");

        Assert.Equal(ActionStatus.Failed, incident.ActionStatus);
        Assert.Equal(2, api.RequestsFor("delete_msg").Count); // the 502 was tried again
        var warning = Assert.Single(service.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("group 123456", StringComparison.Ordinal));
        Assert.StartsWith("Recall failed in qq group 123456 (user 20002, message 501): ", warning.Message, StringComparison.Ordinal);
        Assert.Contains("recall: delete_msg failed: 权限不足", incident.ActionError, StringComparison.Ordinal);
        Assert.Contains("): delete_msg failed: 权限不足", warning.Message, StringComparison.Ordinal); // the platform's reason, as the incident has it
        Assert.DoesNotContain(service.Logs.Entries, e => e.Level >= LogLevel.Information && e.Message.Contains("delete_msg", StringComparison.Ordinal) && e != warning);
    }
}
