namespace GroupGuard.WeCom.Tests;

/// <summary>The tests that load the fake SDK, sharing one build of it.</summary>
[CollectionDefinition(Name)]
public sealed class FakeSdkCollection : ICollectionFixture<FakeSdkLibraries>
{
    public const string Name = "fake WeCom chat archive SDK";
}
