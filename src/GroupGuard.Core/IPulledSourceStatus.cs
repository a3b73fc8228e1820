namespace GroupGuard.Core;

/// <summary>
/// A source GroupGuard pulls messages from by position (WeCom's chat archive), for <c>/healthz</c>.
/// </summary>
/// <param name="Protocol">What it speaks.</param>
/// <param name="Source">Its cursor's name (<c>wecom:CORPID</c>).</param>
/// <param name="Cursor">How far it has been taken.</param>
/// <param name="LastPullAt">When the last pull answered.</param>
/// <param name="Records">Records pulled since start.</param>
/// <param name="Messages">Group messages handed to moderation since start.</param>
/// <param name="Skipped">Records that were no group message (one-to-one chats, switches, recalls) or redeliveries.</param>
/// <param name="Undecryptable">Records that could not be decrypted (an unknown key version, a wrong key, an SDK error), skipped.</param>
/// <param name="UndecryptableSeqs">The positions of the latest of them, newest last, at most 20.</param>
/// <param name="Unreadable">Records decrypted but not readable as a message (broken, oversized, over a week old), skipped.</param>
/// <param name="LastError">The last failure to pull, decrypt or read, without any message content.</param>
public sealed record PulledSourceState(
    Protocol Protocol,
    string Source,
    long? Cursor,
    DateTimeOffset? LastPullAt,
    long Records,
    long Messages,
    long Skipped,
    long Undecryptable,
    IReadOnlyList<long> UndecryptableSeqs,
    long Unreadable,
    string? LastError);

/// <summary>Pulled sources as they stand. Registered with <c>TryAddEnumerable</c>.</summary>
public interface IPulledSourceStatus
{
    IReadOnlyList<PulledSourceState> Sources { get; }
}
