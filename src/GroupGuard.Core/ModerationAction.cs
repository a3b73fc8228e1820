namespace GroupGuard.Core;

/// <summary>What a rule asks to be done about a hit, weakest first: the strongest of a message's hits wins.</summary>
public enum ModerationAction
{
    Log,
    Warn,
    Recall,
    Mute,
    Kick,
}
