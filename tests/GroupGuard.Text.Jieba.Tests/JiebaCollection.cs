namespace GroupGuard.Text.Jieba.Tests;

/// <summary>
/// Jieba's dictionary is one per process: a test that changes the forced terms would change what a
/// test running beside it sees, so every test that segments runs in this one serial collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JiebaCollection
{
    public const string Name = "Jieba dictionary";
}
