using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// The latest messages of each group as the moderation worker saw them (id, sender, when seen on
/// the injected clock), so that a kick can take the member's recent messages with it. Bounded: the
/// last <see cref="PerGroup"/> messages of a group, the <see cref="MaxGroups"/> groups heard from
/// most recently (a quieter one is forgotten first), nothing older than
/// <see cref="ModerationOptions.ClearMinutes"/>; nothing at all while that is 0. In memory only: a
/// restart forgets, which costs a clear after it at most. About 150 bytes a message, so some
/// 300 MB if all 10,000 groups were full at once.
/// </summary>
internal sealed class RecentMessages(TimeProvider time, IOptionsMonitor<ModerationOptions> options)
{
    public const int PerGroup = 200;
    public const int MaxGroups = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<GroupKey, LinkedListNode<Group>> _groups = [];

    // Most recently heard first; the last one is the first to go.
    private readonly LinkedList<Group> _order = new();

    /// <summary>Notes a message the worker took off the queue.</summary>
    public void Record(ChatMessage message)
    {
        var window = Window;
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        var key = new GroupKey(message.Protocol, message.BotId, message.GroupId);
        lock (_gate)
        {
            if (_groups.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
            }
            else
            {
                if (_groups.Count >= MaxGroups && _order.Last is { } quietest)
                {
                    _groups.Remove(quietest.Value.Key);
                    _order.RemoveLast();
                }

                node = _order.AddFirst(new Group(key));
                _groups[key] = node;
            }

            var entries = node.Value.Entries;
            while (entries.Count > 0 && (entries.Count >= PerGroup || entries.Peek().SeenAt < now - window))
            {
                entries.Dequeue();
            }

            entries.Enqueue(new Entry(message.MessageId, message.UserId, now));
        }
    }

    /// <summary>
    /// The messages of <paramref name="userId"/> in the group seen within the last
    /// <see cref="ModerationOptions.ClearMinutes"/>, oldest first, leaving out
    /// <paramref name="except"/>; handed over once (they are forgotten here), so two kicks of one
    /// member do not recall the same message twice.
    /// </summary>
    public IReadOnlyList<string> Take(Protocol protocol, string botId, string groupId, string userId, string? except)
    {
        var window = Window;
        var since = time.GetUtcNow() - window;
        lock (_gate)
        {
            if (window <= TimeSpan.Zero || !_groups.TryGetValue(new GroupKey(protocol, botId, groupId), out var node))
            {
                return [];
            }

            var taken = new List<string>();
            var kept = new Queue<Entry>(node.Value.Entries.Count);
            foreach (var entry in node.Value.Entries)
            {
                if (entry.UserId == userId && entry.SeenAt >= since && entry.MessageId != except)
                {
                    taken.Add(entry.MessageId);
                }
                else if (entry.UserId != userId || entry.MessageId != except)
                {
                    kept.Enqueue(entry);
                }
            }

            node.Value.Entries = kept;
            return taken;
        }
    }

    /// <summary>A message recalled already: no clear recalls it again.</summary>
    public void Forget(Protocol protocol, string botId, string groupId, string messageId)
    {
        lock (_gate)
        {
            if (_groups.TryGetValue(new GroupKey(protocol, botId, groupId), out var node) && node.Value.Entries.Any(e => e.MessageId == messageId))
            {
                node.Value.Entries = new Queue<Entry>(node.Value.Entries.Where(e => e.MessageId != messageId));
            }
        }
    }

    /// <summary>The groups remembered now (for tests of the bound).</summary>
    internal int GroupCount
    {
        get
        {
            lock (_gate)
            {
                return _groups.Count;
            }
        }
    }

    private TimeSpan Window => TimeSpan.FromMinutes(options.CurrentValue.ClearMinutes);

    private readonly record struct GroupKey(Protocol Protocol, string BotId, string GroupId);

    private readonly record struct Entry(string MessageId, string UserId, DateTimeOffset SeenAt);

    private sealed class Group(GroupKey key)
    {
        public GroupKey Key { get; } = key;

        public Queue<Entry> Entries { get; set; } = new();
    }
}
