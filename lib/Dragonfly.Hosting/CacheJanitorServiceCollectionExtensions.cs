using Dragonfly.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Hosting;

public static class CacheJanitorServiceCollectionExtensions
{
    /// <summary>Runs <see cref="CacheJanitor"/> over the registered <see cref="ContentStore"/>.</summary>
    public static IServiceCollection AddCacheJanitor(this IServiceCollection services, TimeSpan interval) =>
        services.AddHostedService(sp => new CacheJanitor(
            sp.GetRequiredService<ContentStore>(), interval, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CacheJanitor>>()));
}
