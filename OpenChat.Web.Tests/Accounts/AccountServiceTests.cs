using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

[Trait("Category", TestCategories.Unit)]
public sealed class AccountServiceTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMembers _members = new();
    private readonly SignInThrottle _throttle;

    // Fewer PBKDF2 iterations than production: these tests hash dozens of times.
    private readonly PasswordHasher<Member> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = 1_000 }));
    private readonly AccountService _accounts;

    public AccountServiceTests()
    {
        _throttle = new SignInThrottle(_clock, NullLogger<SignInThrottle>.Instance);
        _accounts = new AccountService(_members, _hasher, _throttle, _clock, NullLogger<AccountService>.Instance);
    }

    [Fact]
    public async Task Ten_failures_within_fifteen_minutes_lock_the_email_for_fifteen_minutes()
    {
        await _accounts.SignUpAsync("Lou", "lou@example.com", "right password", CancellationToken.None);
        for (var i = 1; i <= 9; i++)
        {
            var failed = await _accounts.SignInAsync("LOU@example.com", "wrong", CancellationToken.None);
            Assert.Equal(AccountService.Mismatch, failed.FormError);
            _clock.Advance(TimeSpan.FromSeconds(30));
        }

        var tenth = await _accounts.SignInAsync("lou@example.com", "wrong", CancellationToken.None);
        Assert.Equal("Too many attempts for this email. Try again in 15 minutes.", tenth.FormError);

        _clock.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(1));
        var locked = await _accounts.SignInAsync("lou@example.com", "right password", CancellationToken.None);
        Assert.False(locked.Succeeded);
        Assert.Equal("Too many attempts for this email. Try again in 1 minute.", locked.FormError);
        Assert.Equal(TimeSpan.FromSeconds(59), locked.RetryAfter);

        // Sign-up with the right password is a sign-in too, and is locked the same way.
        var viaSignUp = await _accounts.SignUpAsync("Lou", "lou@example.com", "right password", CancellationToken.None);
        Assert.False(viaSignUp.Succeeded);
        Assert.StartsWith("Too many attempts", viaSignUp.FormError, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await _accounts.SignInAsync("lou@example.com", "right password", CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Failures_older_than_the_window_do_not_count_and_a_success_clears_the_count()
    {
        await _accounts.SignUpAsync("Max", "max@example.com", "right password", CancellationToken.None);
        for (var i = 0; i < 9; i++)
        {
            await _accounts.SignInAsync("max@example.com", "wrong", CancellationToken.None);
        }

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("max@example.com", "wrong", CancellationToken.None)).FormError);

        Assert.True((await _accounts.SignInAsync("max@example.com", "right password", CancellationToken.None)).Succeeded);
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("max@example.com", "wrong", CancellationToken.None)).FormError);
        }
    }

    [Fact]
    public async Task Unknown_emails_lock_too_so_a_lockout_says_nothing_about_an_account()
    {
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("ghost@example.com", "wrong", CancellationToken.None)).FormError);
        }

        Assert.StartsWith("Too many attempts", (await _accounts.SignInAsync("ghost@example.com", "wrong", CancellationToken.None)).FormError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_up_with_a_taken_email_and_another_password_counts_as_a_failed_attempt()
    {
        await _accounts.SignUpAsync("Kim", "kim@example.com", "right password", CancellationToken.None);
        for (var i = 0; i < 9; i++)
        {
            var refused = await _accounts.SignUpAsync("Kim", "KIM@example.com", $"guess number {i}", CancellationToken.None);
            Assert.Equal(AccountService.SignUpRefused, refused.FormError);
        }

        var tenth = await _accounts.SignUpAsync("Kim", "kim@example.com", "guess number 10", CancellationToken.None);
        Assert.StartsWith("Too many attempts", tenth.FormError, StringComparison.Ordinal);
        Assert.False((await _accounts.SignInAsync("kim@example.com", "right password", CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task An_old_format_hash_is_upgraded_at_the_next_sign_in()
    {
        var legacy = new PasswordHasher<Member>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }));
        var member = new Member(Guid.NewGuid(), "old@example.com", "Old", "", _clock.GetUtcNow(), _clock.GetUtcNow());
        member = member with { PasswordHash = legacy.HashPassword(member, "old password") };
        await _members.CreateAsync(member, CancellationToken.None);

        var result = await _accounts.SignInAsync("old@example.com", "old password", CancellationToken.None);

        Assert.True(result.Succeeded);
        var stored = (await _members.FindAsync(member.Id, CancellationToken.None))!;
        Assert.NotEqual(member.PasswordHash, stored.PasswordHash);
        Assert.Equal(0x01, Convert.FromBase64String(stored.PasswordHash)[0]);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(stored, stored.PasswordHash, "old password"));
    }

    [Theory]
    [InlineData("        ", true)]
    [InlineData("1234567", false)]
    [InlineData("12345678", true)]
    [InlineData("👍👍👍👍👍👍👍", false)]
    [InlineData("👍👍👍👍👍👍👍👍", true)]
    public async Task Passwords_need_eight_characters_counted_as_people_see_them(string password, bool accepted)
    {
        var result = await _accounts.SignUpAsync("Pat", $"pat-{Guid.NewGuid():N}@example.com", password, CancellationToken.None);
        Assert.Equal(accepted, result.Succeeded);
    }

    [Theory]
    [InlineData("Ada\u0000", false)]
    [InlineData("Ada\u202Eevil", false)]
    [InlineData("  Ada \t Lovelace  ", true)]
    [InlineData("👩‍💻 Ada", true)]
    public async Task Display_names_refuse_control_and_direction_characters(string name, bool accepted)
    {
        var result = await _accounts.SignUpAsync(name, $"n-{Guid.NewGuid():N}@example.com", "long enough", CancellationToken.None);
        Assert.Equal(accepted, result.Succeeded);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class InMemoryMembers : IMemberRepository
    {
        private readonly Dictionary<Guid, Member> _members = [];

        public Task<bool> CreateAsync(Member member, CancellationToken cancellationToken)
        {
            if (_members.Values.Any(m => Member.NormalizeEmail(m.Email) == Member.NormalizeEmail(member.Email)))
            {
                return Task.FromResult(false);
            }

            _members[member.Id] = member;
            return Task.FromResult(true);
        }

        public Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_members.GetValueOrDefault(id));

        public Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
            Task.FromResult(_members.Values.FirstOrDefault(m => Member.NormalizeEmail(m.Email) == Member.NormalizeEmail(email)));

        public Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken) =>
            Update(id, m => m with { DisplayName = displayName, UpdatedAt = at });

        public Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken) =>
            Update(id, m => m with { PasswordHash = passwordHash, UpdatedAt = at });

        public Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_members.Remove(id));

        private Task<bool> Update(Guid id, Func<Member, Member> change)
        {
            if (!_members.TryGetValue(id, out var member))
            {
                return Task.FromResult(false);
            }

            _members[id] = change(member);
            return Task.FromResult(true);
        }
    }
}
