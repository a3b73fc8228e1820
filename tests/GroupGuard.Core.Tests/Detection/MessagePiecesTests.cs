using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// A sender's short messages within the window are read joined, ending with the newest; a long
/// message, a gap, another sender or group, and a flagged piece start over; memory is bounded.
/// </summary>
public sealed class MessagePiecesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ChatMessage Piece(string text, int second, string user = "20002", string group = "123456") =>
        Messages.Group(text, id: $"m{second}", user: user, group: group, time: T0.AddSeconds(second));

    [Fact]
    public void Short_messages_within_the_window_are_joined_ending_with_the_newest()
    {
        var pieces = new MessagePieces(seconds: 20);

        Assert.Null(pieces.Add(Piece("加", 0)));
        var second = pieces.Add(Piece("微信", 3));
        var third = pieces.Add(Piece(" abc12345 ", 6));

        Assert.Equal(("加 微信", 2, 2), (second?.Text, second?.LastStart, second?.Count));
        Assert.Equal(("加 微信 abc12345", 5, 3), (third?.Text, third?.LastStart, third?.Count));

        // Each piece before the newest: where it stands in the joined text, and its message.
        Assert.Equal([new PieceSpan(0, 1, "m0"), new PieceSpan(2, 2, "m3")], third!.Value.Earlier);
    }

    [Fact]
    public void A_long_message_a_gap_or_a_late_one_starts_over()
    {
        var pieces = new MessagePieces(seconds: 20);

        pieces.Add(Piece("加", 0));
        Assert.Null(pieces.Add(Piece("这是一条很长的消息，不算碎片，说完了", 1)));
        Assert.Null(pieces.Add(Piece("微信", 2)));
        Assert.Null(pieces.Add(Piece("abc12345", 30))); // 28 s after the one before
        Assert.Null(pieces.Add(Piece("出售", 25)));     // older than the newest piece
        Assert.Equal("出售 冰毒", pieces.Add(Piece("冰毒", 26))?.Text);
    }

    [Fact]
    public void Other_senders_and_groups_keep_their_own_pieces()
    {
        var pieces = new MessagePieces(seconds: 20);

        pieces.Add(Piece("加", 0));
        Assert.Null(pieces.Add(Piece("微信", 1, user: "30003")));
        Assert.Null(pieces.Add(Piece("微信", 1, group: "654321")));

        Assert.Equal("加 abc12345", pieces.Add(Piece("abc12345", 2))?.Text);
    }

    [Fact]
    public void At_most_eight_pieces_are_joined_and_a_forgotten_sender_starts_over()
    {
        var pieces = new MessagePieces(seconds: 20);

        JoinedPieces? last = null;
        for (var i = 0; i < 12; i++)
        {
            last = pieces.Add(Piece(i.ToString(System.Globalization.CultureInfo.InvariantCulture), i));
        }

        Assert.Equal(MessagePieces.MaxPieces, last?.Count);
        Assert.StartsWith("4 5 6", last?.Text, StringComparison.Ordinal);

        pieces.Forget(Piece("x", 12));
        Assert.Null(pieces.Add(Piece("加", 13)));
    }

    [Fact]
    public void Off_at_zero_seconds_and_bounded_in_senders()
    {
        var off = new MessagePieces(seconds: 0);
        off.Add(Piece("加", 0));
        Assert.False(off.Enabled);
        Assert.Null(off.Add(Piece("微信", 1)));

        var bounded = new MessagePieces(seconds: 20, maxSenders: 100);
        for (var i = 0; i < 1000; i++)
        {
            bounded.Add(Piece("嗯", i / 100, user: $"u{i}"));
        }

        Assert.True(bounded.Senders <= 100, $"{bounded.Senders} senders remembered");
    }

    [Fact]
    public void A_piece_stamped_far_in_the_future_does_not_sweep_away_the_other_senders_pieces()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0.AddSeconds(2));
        var pieces = new MessagePieces(seconds: 20, time: clock);
        pieces.Add(Piece("加", 0));
        for (var i = 0; i < MessagePieces.SweepEvery - 2; i++)
        {
            pieces.Add(Piece("嗯", 1, user: $"u{i}"));
        }

        // The piece that sweeps the quiet senders away is stamped a year ahead: it is taken as now.
        pieces.Add(Piece("你好", (int)TimeSpan.FromDays(365).TotalSeconds, user: "30003"));

        Assert.Equal("加 微信", pieces.Add(Piece("微信", 2))?.Text);
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(20, false)]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public void PiecesSeconds_is_validated_naming_the_setting(int seconds, bool fails)
    {
        var result = new ModerationOptionsValidator().Validate(null, new ModerationOptions { PiecesSeconds = seconds });

        Assert.Equal(fails, result.Failed);
        if (fails)
        {
            Assert.Contains("GroupGuard:Moderation:PiecesSeconds", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
