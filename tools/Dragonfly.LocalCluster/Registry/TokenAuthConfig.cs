namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// The registry's <c>auth.token</c> section: clients are sent to <paramref name="Realm"/> for a bearer token
/// issued by <paramref name="Issuer"/> for <paramref name="Service"/> and signed by a key whose certificate is in
/// the PEM bundle at <paramref name="RootCertBundlePath"/>. The registry reads the bundle at start and refuses
/// to start without it.
/// </summary>
public sealed record TokenAuthConfig(string Realm, string Service, string Issuer, string RootCertBundlePath);
