using GroupGuard.Core.Accounts;

namespace GroupGuard.Core.Tests.Accounts;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_is_salted_and_verifies_only_its_password()
    {
        var first = PasswordHasher.Hash("correct horse 电池", iterations: 1000);
        var second = PasswordHasher.Hash("correct horse 电池", iterations: 1000);

        Assert.StartsWith("pbkdf2-sha256$1000$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second); // a fresh salt each time
        Assert.DoesNotContain("correct", first, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("correct horse 电池", first));
        Assert.True(PasswordHasher.Verify("correct horse 电池", second));
        Assert.False(PasswordHasher.Verify("correct horse 电", first));
        Assert.False(PasswordHasher.Verify("", first));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha256$abc$c2FsdA==$aGFzaA==")]
    [InlineData("pbkdf2-sha256$1000$not base64$aGFzaA==")]
    [InlineData("bcrypt$1000$c2FsdA==$aGFzaA==")]
    public void A_stored_value_in_another_format_never_verifies(string stored)
    {
        Assert.False(PasswordHasher.Verify("plain-text-password", stored));
    }

    [Fact]
    public void The_default_work_factor_is_written_into_the_hash()
    {
        Assert.StartsWith($"pbkdf2-sha256${PasswordHasher.DefaultIterations}$", PasswordHasher.Hash("12345678"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "at least 8")]
    [InlineData("        ", "only spaces")]
    public void Weak_passwords_are_named(string password, string reason)
    {
        Assert.Contains(reason, PasswordHasher.Weakness(password), StringComparison.Ordinal);
        Assert.Contains("at most 256", PasswordHasher.Weakness(new string('x', 257)), StringComparison.Ordinal);
        Assert.Null(PasswordHasher.Weakness("long enough"));
    }

    [Theory]
    [InlineData("admin", true)]
    [InlineData("王主管", true)]
    [InlineData("li.lei@example", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("a,b", false)]
    [InlineData("<script>", false)]
    public void Account_names_are_checked(string name, bool valid)
    {
        Assert.Equal(valid, ConsoleAccount.IsValidName(name));
    }
}
