namespace GroupGuard.QQBot.Webhook;

/// <summary>A delivery whose JSON is well formed but not a platform payload GroupGuard can read (400).</summary>
internal sealed class MalformedEventException(string message) : Exception(message);

/// <summary>A message past <see cref="QQBotLimits"/> (413): cutting it would hide the rest from the rules.</summary>
internal sealed class OversizedEventException(string message) : Exception(message);
