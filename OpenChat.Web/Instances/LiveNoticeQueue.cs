using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;

namespace OpenChat.Web.Instances;

/// <summary>
/// Notices waiting to be sent to the other instances (sidebar changes, reply ends, stops). Only with Postgres:
/// the file store runs one instance. Never blocks the caller; when Postgres cannot keep up the oldest are dropped.
/// </summary>
public sealed class LiveNoticeQueue(InstanceIdentity instance, IOptions<StorageOptions> storage)
{
    private readonly Channel<LiveNotice> _notices = Channel.CreateBounded<LiveNotice>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });

    public bool Enabled { get; } = storage.Value.Backend == StorageBackend.Postgres;

    public Guid InstanceId => instance.Id;

    public ChannelReader<LiveNotice> Reader => _notices.Reader;

    public void Enqueue(string kind, string owner, Guid? chat = null, Guid? message = null)
    {
        if (Enabled)
        {
            _notices.Writer.TryWrite(new LiveNotice(kind, instance.Id, owner, chat, message));
        }
    }
}
