using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Members;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Pipeline;

/// <summary>
/// Groups' names, for incidents and join decisions of a group whose events carry none
/// (LuckyLilliaBot, older NapCat, OneBot v12 implementations that send no <c>group_name</c>), so
/// that a digest, an alert, the console and <c>/gg</c> name the group rather than its number: a
/// name seen in any event of the group (NapCat's <c>group_name</c>, Milky's <c>group.group_name</c>;
/// the newest word, preferred to an older answer), else the platform's answer
/// (<see cref="IGroupNameLookup"/>, within <see cref="LookupTimeout"/> on the injected clock),
/// remembered. A name is kept for <see cref="KnownLifetime"/> (groups are renamed), then asked
/// again; a platform that could not say is asked again after <see cref="UnknownLifetime"/>, not on
/// every message, and meanwhile the name it gave before, if any, stands. Bounded: the
/// <see cref="Capacity"/> groups asked about or seen most recently (the least recent is forgotten
/// first). In memory only: a restart forgets them, and the platform is asked again.
/// </summary>
internal sealed class GroupNames(IEnumerable<IGroupNameLookup> adapters, TimeProvider time)
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan KnownLifetime = TimeSpan.FromHours(6);
    public static readonly TimeSpan UnknownLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<Protocol, IGroupNameLookup> _adapters = ProtocolAdapters.ByProtocol(adapters, a => a.Protocols);
    private readonly RecentlyUsed<GroupKey, Entry> _entries = new(Capacity);

    /// <summary>
    /// A name as a group's name is shown: control characters (a line break) made spaces, trimmed, cut
    /// at <see cref="StoredText.MaxNameChars"/> as an incident cuts names; null when nothing is left.
    /// </summary>
    public static string? Clean(string? name) =>
        DigestMarkup.OneLine(name).Trim() is { Length: > 0 } kept ? StoredText.Cut(kept, StoredText.MaxNameChars) : null;

    /// <summary>Notes the name an event of the group carried (none: nothing is noted).</summary>
    public void Seen(string platform, string groupId, string? name)
    {
        if (Clean(name) is { } kept)
        {
            Remember(new GroupKey(platform, groupId), kept, time.GetUtcNow() + KnownLifetime, fromEvent: true);
        }
    }

    /// <summary>
    /// <paramref name="message"/> with its group's name: the event's own when it carries one, else
    /// the one remembered, else the platform's answer; unchanged when none says. Never throws: a
    /// name is not worth a message's moderation, and a stop leaves the message as it is.
    /// </summary>
    public async Task<ChatMessage> NamedAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(message.GroupName))
        {
            return message;
        }

        var name = await NameOfAsync(message.Protocol, message.Platform, message.BotId, message.GroupId, cancellationToken);
        return name is null ? message : message with { GroupName = name };
    }

    /// <summary>The group's name, or null when neither an event nor the platform says (or the service is stopping).</summary>
    public async Task<string?> NameOfAsync(Protocol protocol, string platform, string botId, string groupId, CancellationToken cancellationToken)
    {
        var key = new GroupKey(platform, groupId);
        string? stale = null;
        if (_entries.TryGet(key, out var known))
        {
            if (known.Expires > time.GetUtcNow())
            {
                return known.Name;
            }

            stale = known.Name;
        }

        if (!_adapters.TryGetValue(protocol, out var adapter))
        {
            return stale;
        }

        string? name;
        using (var timeout = new Deadline(LookupTimeout, time, cancellationToken))
        {
            try
            {
                name = Clean(await adapter.GetGroupNameAsync(protocol, platform, botId, groupId, timeout.Token));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the message is stored without the name (or left to the journal), and
                // the group is asked again at its next hit, as nothing was learnt.
                return stale;
            }
            catch (Exception)
            {
                name = null;
            }
        }

        // Not known: asked again after UnknownLifetime, the name given before standing meanwhile.
        return name is null
            ? Remember(key, stale, time.GetUtcNow() + UnknownLifetime, fromEvent: false)
            : Remember(key, name, time.GetUtcNow() + KnownLifetime, fromEvent: false);
    }

    /// <param name="fromEvent">
    /// The name an event carried: it replaces whatever is remembered. A platform's answer does not
    /// replace a name an event carried since (while it is fresh): the event is the newer word.
    /// </param>
    private string? Remember(GroupKey key, string? name, DateTimeOffset expires, bool fromEvent) =>
        _entries.Remember(key, new Entry(name, expires, fromEvent), old => !fromEvent && old.FromEvent && old.Expires > time.GetUtcNow()).Name;

    private readonly record struct GroupKey(string Platform, string GroupId);

    /// <summary>A group's name (null: the platform could not say) until <see cref="Expires"/>; <see cref="FromEvent"/> when an event carried it.</summary>
    private sealed record Entry(string? Name, DateTimeOffset Expires, bool FromEvent);
}
