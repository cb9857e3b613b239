namespace OpenChat.Web.Platform;

/// <summary>CSP violations reported since start (and reports refused as malformed).</summary>
public sealed class CspReportCounter
{
    private long _violations;
    private long _rejected;

    public long Violations => Interlocked.Read(ref _violations);

    public long Rejected => Interlocked.Read(ref _rejected);

    public void Count() => Interlocked.Increment(ref _violations);

    public void Reject() => Interlocked.Increment(ref _rejected);
}
