namespace GroupGuard.Core;

/// <summary>
/// Something an adapter found wrong when it started (a library that will not load, a key file that
/// is no key), in words an operator acts on: its message names the setting. The host prints the
/// message, without a stack trace, and exits.
/// </summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);
