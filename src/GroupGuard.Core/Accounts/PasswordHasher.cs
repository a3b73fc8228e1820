using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GroupGuard.Core.Accounts;

/// <summary>
/// Salted PBKDF2-HMAC-SHA256 password hashes, written <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>
/// (salt and hash in base64), so the work factor can rise later without breaking old hashes.
/// </summary>
public static class PasswordHasher
{
    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA256 (2023).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Longer passwords are refused: hashing is bounded work for every sign-in.</summary>
    public const int MaxPasswordLength = 256;

    public const int MinPasswordLength = 8;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verifying an unknown name against this costs what a real check costs, so the answer's
    // timing does not tell which names exist.
    private static readonly Lazy<string> Decoy = new(() => Hash("decoy password, never matches"));

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>; false for a hash in another format.</summary>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (password.Length > MaxPasswordLength)
        {
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1 || iterations > 10_000_000)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the time of one verification, for a name that has no account.</summary>
    public static void VerifyDecoy(string password) => Verify(password.Length > MaxPasswordLength ? "" : password, Decoy.Value);

    /// <summary>Why a new password is refused, or null when it will do.</summary>
    public static string? Weakness(string password) => password.Length switch
    {
        < MinPasswordLength => $"a password needs at least {MinPasswordLength} characters",
        > MaxPasswordLength => $"a password may have at most {MaxPasswordLength} characters",
        _ => string.IsNullOrWhiteSpace(password) ? "a password cannot be only spaces" : null,
    };
}
