namespace GroupGuard.Core.Detection;

/// <summary>A sender's recent short messages joined, ending with the newest (<see cref="MessagePieces"/>).</summary>
/// <param name="Text">The pieces' texts one after the other, a space between them (interference, which terms and regexes read through, so 加 / 微信 is 加 微信).</param>
/// <param name="Earlier">The pieces before the newest, in order (at least one): where each stands in <paramref name="Text"/>, and its message id.</param>
public readonly record struct JoinedPieces(string Text, IReadOnlyList<PieceSpan> Earlier)
{
    /// <summary>Where the newest piece starts in <see cref="Text"/>: after the last earlier piece and its space.</summary>
    public int LastStart => Earlier[^1].Start + Earlier[^1].Length + 1;

    /// <summary>How many pieces, the newest included (2 or more).</summary>
    public int Count => Earlier.Count + 1;
}

/// <summary>One piece of a <see cref="JoinedPieces"/>: <paramref name="Start"/> and <paramref name="Length"/> in the joined text, and the message it was.</summary>
public readonly record struct PieceSpan(int Start, int Length, string MessageId);

/// <summary>
/// A message split into pieces sent one after another (加 / 微信 / abc123, 出售 / 冰毒), a way
/// around filters that read each message alone: the short messages of one sender in one group
/// within a few seconds of each other, remembered so that the newest can be read joined to the
/// ones before it. Only short messages are pieces; a longer one, a flagged one or a gap longer
/// than the window starts over. Bounded: at most <see cref="MaxPieces"/> pieces a sender, and past
/// <c>maxSenders</c> senders the quietest are forgotten. In this process's memory only. The window
/// (<c>seconds</c>) is read at each message, so a change of the setting applies from the next one.
/// </summary>
/// <param name="seconds">The window, read at each message: a piece joins the sender's pieces before it when it comes within this many seconds of the last.</param>
/// <param name="maxSenders">Senders remembered at most.</param>
/// <param name="time">The clock that says what is now: a sweep of the quiet senders counts from now, or from the message's own time when that is earlier.</param>
public sealed class MessagePieces(Func<int> seconds, int maxSenders = 10_000, TimeProvider? time = null)
{
    /// <summary>Pieces joined within a fixed window of <paramref name="seconds"/>.</summary>
    public MessagePieces(int seconds, int maxSenders = 10_000, TimeProvider? time = null)
        : this(() => seconds, maxSenders, time)
    {
    }

    /// <summary>A message of at most this many characters (trimmed) is a piece.</summary>
    public const int MaxPieceLength = 12;

    /// <summary>Senders quiet for longer than the window are swept out once every this many pieces (and whenever past the bound).</summary>
    internal const int SweepEvery = 1024;

    /// <summary>At most this many pieces are joined.</summary>
    public const int MaxPieces = 8;

    private readonly Dictionary<string, List<(DateTimeOffset Time, string Text, string MessageId)>> _senders = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock = time ?? TimeProvider.System;
    private long _added;

    /// <summary>Whether pieces are joined at all (a window of 0 seconds turns it off).</summary>
    public bool Enabled => seconds() > 0;

    /// <summary>
    /// Remembers <paramref name="message"/> when it is a piece and returns it joined to its sender's
    /// pieces before it within the window; null when it is no piece or the first of its run.
    /// </summary>
    public JoinedPieces? Add(ChatMessage message)
    {
        var window = TimeSpan.FromSeconds(seconds());
        if (window <= TimeSpan.Zero)
        {
            return null;
        }

        var trimmed = message.Text.AsSpan().Trim();
        var piece = trimmed.Length is > 0 and <= MaxPieceLength && message.Forwards.Count == 0;
        lock (_lock)
        {
            if (!piece)
            {
                // Most messages: no piece, and most often no sender's run to end.
                ForgetLocked(message);
                return null;
            }

            var text = trimmed.ToString();
            var key = StreamTracker.SenderInGroup(message);
            // A message stamped far ahead (a platform's clock that jumped) would have every other
            // sender's pieces look old and be swept away: the sweep counts from now at the latest.
            Sweep(StreamTracker.CountedTime(message, _clock), window);
            if (!_senders.TryGetValue(key, out var pieces))
            {
                pieces = [];
                _senders[key] = pieces;
            }

            // Pieces older than the window, or after the newest (a message delivered late), start over.
            if (pieces.Count > 0 && (message.Time - pieces[^1].Time > window || message.Time < pieces[^1].Time))
            {
                pieces.Clear();
            }

            pieces.Add((message.Time, text, message.MessageId));
            if (pieces.Count > MaxPieces)
            {
                pieces.RemoveAt(0);
            }

            if (pieces.Count < 2)
            {
                return null;
            }

            var joined = string.Join(' ', pieces.Select(p => p.Text));
            var earlier = new PieceSpan[pieces.Count - 1];
            for (int k = 0, at = 0; k < earlier.Length; at += pieces[k].Text.Length + 1, k++)
            {
                earlier[k] = new PieceSpan(at, pieces[k].Text.Length, pieces[k].MessageId);
            }

            return new JoinedPieces(joined, earlier);
        }
    }

    /// <summary>Forgets the sender's pieces: what they said was flagged, or was no piece.</summary>
    public void Forget(ChatMessage message)
    {
        lock (_lock)
        {
            ForgetLocked(message);
        }
    }

    private void ForgetLocked(ChatMessage message)
    {
        if (_senders.Count > 0)
        {
            _senders.Remove(StreamTracker.SenderInGroup(message));
        }
    }

    /// <summary>Senders whose pieces are remembered (for tests and the bound).</summary>
    public int Senders
    {
        get
        {
            lock (_lock)
            {
                return _senders.Count;
            }
        }
    }

    /// <summary>Every thousand pieces, and whenever past the bound: forget senders quiet for longer than the window.</summary>
    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        if (++_added % SweepEvery != 0 && _senders.Count < maxSenders)
        {
            return;
        }

        var cutoff = now - window;
        foreach (var key in _senders.Where(p => p.Value.Count == 0 || p.Value[^1].Time < cutoff).Select(p => p.Key).ToList())
        {
            _senders.Remove(key);
        }

        if (_senders.Count >= maxSenders)
        {
            foreach (var key in _senders.OrderBy(p => p.Value[^1].Time).Take(_senders.Count - maxSenders / 2).Select(p => p.Key).ToList())
            {
                _senders.Remove(key);
            }
        }
    }
}
