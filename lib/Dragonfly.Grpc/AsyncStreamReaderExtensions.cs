using System.Runtime.CompilerServices;

namespace Dragonfly.Grpc;

public static class AsyncStreamReaderExtensions
{
    /// <summary>Reads every remaining message of the stream.</summary>
    public static IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ReadAllCoreAsync(reader, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadAllCoreAsync<T>(
        IAsyncStreamReader<T> reader,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
