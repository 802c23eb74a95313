namespace Dragonfly.Transfer;

public readonly record struct PieceFetchResult(PieceFetchStatus Status, string? Detail, TimeSpan Elapsed)
{
    public bool IsOk => Status == PieceFetchStatus.Ok;
}
