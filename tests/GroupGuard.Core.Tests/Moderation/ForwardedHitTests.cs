using GroupGuard.Core.Detection;
using GroupGuard.Core.Forwards;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Tests.Detection;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Tests.Moderation;

/// <summary>Hits in a forwarded bundle, decided on as the outer message's own, quoting the inner message.</summary>
public sealed class ForwardedHitTests
{
    private static readonly RuleSet Rules = MessageDetectorTests.Load("""
        pack: ads
        name: 广告
        rules:
          - id: ads.recall
            terms: [加微信]
            action: recall
          - id: ads.mute
            terms: [代开发票]
            action: mute
            mute_minutes: 30
        """);

    private static readonly ChatMessage Outer = Messages.Group("大家看看这个", id: "555", group: "100", user: "200", senderName: "转发的人", bot: "1");

    private static ForwardedHit Inner(string text, int depth = 1, string? name = "资料分享君", string? id = "300")
    {
        var inner = new ForwardedMessage { Text = text, SenderName = name, SenderId = id };
        return new ForwardedHit(Assert.Single(MessageDetector.Detect(Rules, inner.ScanText, "100").Hits), inner, depth, Rules.Fold(text));
    }

    private static Decision Decide(IReadOnlyList<ForwardedHit> forwarded, PrivacyOptions? privacy = null, ChatMessage? message = null)
    {
        message ??= Outer;
        var context = new PolicyContext(0, SenderRole.Member, message.Time, new ModerationOptions(), null, privacy ?? new PrivacyOptions(), _ => true);
        return ModerationPolicy.Decide(message, MessageDetector.Detect(Rules, message).Hits, Rules.Version, context, Rules.Fold(message.Text), forwarded);
    }

    [Fact]
    public void A_forwarded_advert_recalls_the_outer_message_and_its_incident_quotes_the_inner_one()
    {
        var decision = Decide([Inner("想要资料的加微信 abc123")]);

        var recall = Assert.Single(decision.Actions);
        Assert.Equal((ModerationAction.Recall, "555", "200"), (recall.Action, recall.MessageId, recall.UserId));
        var incident = Assert.Single(decision.Incidents);
        Assert.Equal(("555", "200", "转发的人"), (incident.MessageId, incident.UserId, incident.SenderName));
        Assert.Equal("想要资料的加微信 abc123", incident.MessageText);
        Assert.Equal("加微信", incident.MessageText.Substring(incident.Spans[0].Start, incident.Spans[0].Length));
        Assert.Equal((1, "资料分享君"), (incident.ForwardDepth, incident.ForwardedFrom));
        Assert.Equal(ActionStatus.Pending, incident.ActionStatus);
    }

    [Fact]
    public void The_strongest_action_of_own_and_forwarded_hits_wins_and_each_keeps_its_own_evidence()
    {
        var message = Messages.Group("加微信", id: "556", group: "100", user: "200", bot: "1");

        var decision = Decide([Inner("专业代开发票", depth: 2, name: null, id: "301")], message: message);

        Assert.Equal([ModerationAction.Recall, ModerationAction.Mute, ModerationAction.Warn], decision.Actions.Select(a => a.Action));
        var own = decision.Incidents.Single(i => i.Rule == "ads.recall");
        var forwarded = decision.Incidents.Single(i => i.Rule == "ads.mute");
        Assert.Equal(("加微信", 0, (string?)null), (own.MessageText, own.ForwardDepth, own.ForwardedFrom));
        Assert.Equal(("专业代开发票", 2, "301"), (forwarded.MessageText, forwarded.ForwardDepth, forwarded.ForwardedFrom));
        Assert.Equal(1800, forwarded.MuteSeconds);
    }

    [Theory]
    [InlineData(StoreText.Masked, "想要资料的*** abc123")]
    [InlineData(StoreText.None, "")]
    public void Privacy_applies_to_the_inner_text_as_to_the_messages_own(StoreText store, string kept)
    {
        var incident = Assert.Single(Decide([Inner("想要资料的加微信 abc123")], new PrivacyOptions { StoreText = store }).Incidents);

        Assert.Equal(kept, incident.MessageText);
        Assert.Null(incident.NormalizedText);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(10, false)]
    [InlineData(1440, false)]
    [InlineData(1441, true)]
    public void ClearMinutes_is_validated_naming_the_setting(int minutes, bool fails)
    {
        var result = new ModerationOptionsValidator().Validate(null, new ModerationOptions { ClearMinutes = minutes });

        Assert.Equal(fails, result.Failed);
        if (fails)
        {
            Assert.Contains("GroupGuard:Moderation:ClearMinutes", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
