namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>A controller's informers and workers, run while this operator instance leads.</summary>
public interface IControllerRunner
{
    string Name { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
