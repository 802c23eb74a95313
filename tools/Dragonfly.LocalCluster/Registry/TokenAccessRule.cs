namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Grants <see cref="Actions"/> on the repositories <see cref="Repository"/> names: an exact name
/// (<c>private/app</c>), a prefix ending in <c>*</c> (<c>public/*</c>), or <c>*</c> for every repository.
/// </summary>
public sealed record TokenAccessRule(string Repository, IReadOnlyList<string> Actions)
{
    /// <summary>A rule granting only <c>pull</c>.</summary>
    public static TokenAccessRule Pull(string repository) => new(repository, ["pull"]);

    public bool Matches(string repository) => Repository.EndsWith('*')
        ? repository.StartsWith(Repository[..^1], StringComparison.Ordinal)
        : string.Equals(repository, Repository, StringComparison.Ordinal);
}
