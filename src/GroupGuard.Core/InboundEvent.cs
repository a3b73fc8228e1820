namespace GroupGuard.Core;

public enum InboundEventKind
{
    /// <summary>A group message from someone else: moderate it.</summary>
    GroupMessage,

    /// <summary>The bot's own message (OneBot <c>message_sent</c>): never moderated.</summary>
    OwnMessage,

    /// <summary>Heartbeat, lifecycle and other meta events: they prove the adapter is alive.</summary>
    Meta,

    /// <summary>A request to join a group (OneBot v11 <c>request.group.add</c>, Milky <c>group_join_request</c>): screened.</summary>
    JoinRequest,

    /// <summary>Anything else (private messages, notices, requests): accepted and ignored.</summary>
    Ignored,
}

/// <summary>What an adapter made of one delivered event.</summary>
public sealed record InboundEvent(InboundEventKind Kind, Protocol Protocol, string? BotId, ChatMessage? Message, string Detail)
{
    /// <summary>
    /// For a member's join notice, or a message whose event says when its sender joined (Milky's
    /// <c>group_member.join_time</c>): who joined which group, and when (for <c>newcomer_hours:</c> rules).
    /// </summary>
    public Members.MemberJoined? Joined { get; init; }
}
