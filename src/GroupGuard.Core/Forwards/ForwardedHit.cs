using GroupGuard.Core.Detection;

namespace GroupGuard.Core.Forwards;

/// <summary>
/// A rule hit in a message forwarded inside the message moderated: the incident is the outer
/// message's, its evidence the inner message's.
/// </summary>
/// <param name="Hit">The hit, its span in <paramref name="Source"/>'s <see cref="ForwardedMessage.ScanText"/>.</param>
/// <param name="Source">The inner message the hit is in.</param>
/// <param name="Depth">How deep the inner message lies: 1 in a bundle of the outer message, 2 in a bundle inside that.</param>
/// <param name="NormalizedText">The inner text as the rules saw it (folded), for evidence.</param>
public sealed record ForwardedHit(RuleHit Hit, ForwardedMessage Source, int Depth, string? NormalizedText = null);
