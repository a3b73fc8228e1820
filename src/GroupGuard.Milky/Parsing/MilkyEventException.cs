namespace GroupGuard.Milky.Parsing;

/// <summary>The event is JSON but not a Milky event GroupGuard can read; the message is the 400 reason.</summary>
internal sealed class MalformedMilkyEventException(string message) : Exception(message);

/// <summary>The event is readable but more than <see cref="MilkyLimits"/> allows; the message is the 413 reason.</summary>
internal sealed class OversizedMilkyEventException(string message) : Exception(message);
