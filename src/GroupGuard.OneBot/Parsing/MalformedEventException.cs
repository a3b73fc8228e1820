namespace GroupGuard.OneBot.Parsing;

/// <summary>The body is JSON but not an event we can read; the message is the 400 reason.</summary>
internal sealed class MalformedEventException(string message) : Exception(message);
