namespace GroupGuard.OneBot.Parsing;

/// <summary>The event is readable but more than <see cref="OneBotLimits"/> allows; the message is the 413 reason.</summary>
internal sealed class OversizedEventException(string message) : Exception(message);
