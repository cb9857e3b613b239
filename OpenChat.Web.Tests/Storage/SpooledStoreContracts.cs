using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

// The store contracts against the fallback decorators while Postgres is down (breaker open): what every request
// gets during an outage must behave like a store, not only like "something that does not crash".

[Trait("Category", TestCategories.Unit)]
public sealed class SpooledChatRepositoryTests : ChatRepositoryContract, IDisposable
{
    private readonly SpooledStores _stores = new();

    protected override IChatRepository Repository => _stores.Chats;

    public void Dispose() => _stores.Dispose();
}

[Trait("Category", TestCategories.Unit)]
public sealed class SpooledOwnerDataRepositoryTests : OwnerDataRepositoryContract, IDisposable
{
    private readonly SpooledStores _stores = new();

    protected override IPreferenceRepository Preferences => _stores.Preferences;

    protected override IKeyVaultRepository Keys => _stores.Keys;

    protected override IReplyLedger Ledger => _stores.Ledger;

    public void Dispose() => _stores.Dispose();
}

[Trait("Category", TestCategories.Unit)]
public sealed class SpooledChatSearchTests : ChatSearchContract, IDisposable
{
    private readonly SpooledStores _stores = new();

    protected override IChatRepository Repository => _stores.Chats;

    protected override IChatSearch Search => _stores.Search;

    public void Dispose() => _stores.Dispose();
}

[Trait("Category", TestCategories.Unit)]
public sealed class SpooledUsageReportTests : UsageReportContract, IDisposable
{
    private readonly SpooledStores _stores = new();

    protected override IChatRepository Repository => _stores.Chats;

    protected override IUsageReport Report => _stores.Usage;

    public void Dispose() => _stores.Dispose();
}

[Trait("Category", TestCategories.Unit)]
public sealed class SpooledAttachmentStoreTests : AttachmentStoreContract, IDisposable
{
    private readonly SpooledStores _stores = new();

    protected override IChatRepository Repository => _stores.Chats;

    protected override IAttachmentStore Attachments => _stores.Attachments;

    public void Dispose() => _stores.Dispose();
}
