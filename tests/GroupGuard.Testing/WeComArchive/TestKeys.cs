using System.Security.Cryptography;

namespace GroupGuard.Testing;

/// <summary>
/// RSA key pairs made for the tests, as a corporation makes them for the chat archive (2048
/// bits), made once for all tests because making one takes a while.
/// </summary>
public static class TestKeys
{
    private static readonly Lazy<RSA> LazyFirst = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> LazySecond = new(() => RSA.Create(2048));

    /// <summary>One key pair.</summary>
    public static RSA First => LazyFirst.Value;

    /// <summary>Another key pair, for a message encrypted for the wrong one.</summary>
    public static RSA Second => LazySecond.Value;
}
